import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Redlock, fenceKey, monotonicMs, quorumSize, type NodeClient, type Reply } from '../../src/index.js';
import { IoredisNodeClient } from '../../src/clients/ioredis.js';
import { NODE_RUNTIME } from '../../src/runtime.js';
import type { Script } from '../../src/scripts.js';
import { findFenceViolations, raceFencedAcquires } from './helpers/fence-order.js';
import { resetAfterEach, waitReady, withServers } from './helpers/servers.js';

/*
 * The fenced acquire proposes a token and the acquire script raises the counters to it:
 * when the proposal is above every counter the voting quorum read, it is the token and
 * no write-back is sent (two round trips per cycle); otherwise the token comes from the
 * counters and is written back (three).
 */

const TTL_MS = 1_000;
const HOUR_MS = 3_600_000;

/** The ioredis adapter, counting the scripts sent through it by name. */
class CountingClient implements NodeClient {
  readonly sent = new Map<string, number>();
  private readonly inner: IoredisNodeClient;

  constructor(client: Redis) {
    this.inner = new IoredisNodeClient(client, NODE_RUNTIME);
  }

  get address(): string {
    return this.inner.address;
  }
  get cluster(): boolean {
    return this.inner.cluster;
  }
  get ready(): boolean {
    return this.inner.ready;
  }
  runScript(script: Script, keys: readonly string[], args: readonly string[], done: Reply): void {
    this.sent.set(script.name, (this.sent.get(script.name) ?? 0) + 1);
    this.inner.runScript(script, keys, args, done);
  }
  subscriber: NodeClient['subscriber'] = (events) => this.inner.subscriber(events);
}

/** Scripts sent to every node together, by name. */
function sentByName(clients: readonly CountingClient[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const client of clients) for (const [name, count] of client.sent) total[name] = (total[name] ?? 0) + count;
  return total;
}

describe.each([{ count: 3 }, { count: 5 }])('fencing in two round trips, N = $count', ({ count }) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const quorum = quorumSize(count);

  const counting = async (): Promise<CountingClient[]> => {
    const made = fx.connect();
    await waitReady(made);
    return made.map((client) => new CountingClient(client));
  };
  const nodesHolding = async (resource: string, fence: bigint): Promise<number> => {
    let holding = 0;
    for (let index = 0; index < count; index += 1) if ((await fx.admin(index).get(fenceKey(resource))) === fence.toString()) holding += 1;
    return holding;
  };

  it('sends one acquire and one release per node, with the token on a quorum once acquire returns', async () => {
    const clients = await counting();
    const redlock = new Redlock(clients, { fencing: true });
    const fences: bigint[] = [];
    const ROUNDS = 50;
    for (let round = 0; round < ROUNDS; round += 1) {
      const lock = await redlock.acquire(['fast'], TTL_MS);
      // The token is on a quorum before the lock is used: what a later acquirer reads.
      expect(await nodesHolding('fast', lock.fence!)).toBeGreaterThanOrEqual(quorum);
      fences.push(lock.fence!);
      await lock.release();
    }
    // Back-to-back acquisitions within one ms too: each proposal is above the last.
    for (let index = 1; index < fences.length; index += 1) expect(fences[index]! > fences[index - 1]!, `fences ${fences.join(', ')}`).toBe(true);
    // Releases resolve at a quorum; wait for the stragglers' to be sent before counting.
    await expect.poll(() => sentByName(clients).redquorumRelease, { timeout: 2_000, interval: 5 }).toBe(ROUNDS * count);
    expect(sentByName(clients)).toEqual({ redquorumAcquire: ROUNDS * count, redquorumRelease: ROUNDS * count });
  });

  it('fences a multi-resource lock in two round trips, every counter at the token on a quorum', async () => {
    const clients = await counting();
    const redlock = new Redlock(clients, { fencing: true });
    const lock = await redlock.acquire(['fast-a', 'fast-b'], TTL_MS);
    expect(await nodesHolding('fast-a', lock.fence!)).toBeGreaterThanOrEqual(quorum);
    expect(await nodesHolding('fast-b', lock.fence!)).toBeGreaterThanOrEqual(quorum);
    expect(sentByName(clients).redquorumFence).toBeUndefined();
    await lock.release();
  });

  it('falls back to the write-back when the wall clock is behind the counters, and still gives a greater token', async () => {
    const ahead = new Redlock(fx.clients, { fencing: true });
    const first = await ahead.acquire(['behind'], TTL_MS);
    await first.release();
    const clients = await counting();
    // An hour behind: its proposal is far below the counter the first holder left.
    const late = new Redlock(clients, { fencing: true }, { runtime: { wallMs: () => Date.now() - HOUR_MS } });
    const second = await late.acquire(['behind'], TTL_MS);
    expect(second.fence).toBe(first.fence! + 1n);
    expect(await nodesHolding('behind', second.fence!)).toBeGreaterThanOrEqual(quorum);
    // The write-back went out to every node (it needs a quorum of them).
    expect(sentByName(clients).redquorumFence).toBe(count);
    await second.release();
    // The same slow clock again: its next proposal is above its own last token, so no write-back.
    const third = await late.acquire(['behind'], TTL_MS);
    expect(third.fence).toBe(second.fence! + 1n);
    expect(sentByName(clients).redquorumFence).toBe(count);
    await third.release();
  });

  it('keeps tokens increasing across contending clients whose wall clocks differ by less than the TTL', async () => {
    // Skews within the TTL, the assumption the clock part rests on; some clients' proposals
    // lose to the counters (write-back), others win (no write-back).
    const skewsMs = [-600, -150, 0, 40, 300];
    const clientSets = await Promise.all(skewsMs.map(() => counting()));
    const redlocks = skewsMs.map((skewMs, index) => new Redlock(clientSets[index]!, { fencing: true, retryCount: 500, retryDelay: 2, retryJitter: 2 }, { runtime: { wallMs: () => Date.now() + skewMs } }));
    const TARGET = 400;
    const { acquisitions, gaveUp } = await raceFencedAcquires(redlocks, 'skewed', TTL_MS, TARGET, monotonicMs() + 30_000);
    for (const error of gaveUp) expect(error.reason).toBe('locked');
    expect(acquisitions.length).toBeGreaterThanOrEqual(TARGET);
    expect(findFenceViolations(acquisitions).slice(0, 5)).toEqual([]);
    expect(new Set(acquisitions.map((a) => a.fence)).size).toBe(acquisitions.length);
    // Both paths ran: proposals alone, and write-backs after losing to the counters.
    const sent = sentByName(clientSets.flat());
    expect(sent.redquorumFence ?? 0).toBeGreaterThan(0);
    expect(sent.redquorumFence ?? 0).toBeLessThan(sent.redquorumAcquire ?? 0);
  });
});
