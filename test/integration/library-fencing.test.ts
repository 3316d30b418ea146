import { describe, expect, it } from 'vitest';
import { Redlock, fenceKey, monotonicMs, quorumSize } from '../../src/index.js';
import { FENCE_KEY_PREFIX, FENCE_TICK_BITS } from '../../src/fencing.js';
import { findFenceViolations, raceFencedAcquires } from './helpers/fence-order.js';
import { resetAfterEach, waitReady, withServers, lockKeysSettle } from './helpers/servers.js';

/** The clock part of a token taken at wall-clock `wallMs`. */
const clockToken = (wallMs: number): bigint => BigInt(wallMs) << FENCE_TICK_BITS;

const TTL_MS = 1_000;
const ACQUIRERS = 8;
const DEADLINE_MS = 40_000;
const SETTINGS = { fencing: true, retryCount: 200, retryDelay: 2, retryJitter: 2 } as const;

describe('the fence-order check', () => {
  it('finds a later acquisition whose fence is not greater than a completed one', () => {
    const violations = findFenceViolations([
      { fence: 5n, startMs: 0, endMs: 10 },
      { fence: 5n, startMs: 11, endMs: 20 },
      { fence: 7n, startMs: 21, endMs: 30 },
      { fence: 6n, startMs: 31, endMs: 40 },
    ]);
    expect(violations.map((v) => [v.earlier.fence, v.later.fence])).toEqual([
      [5n, 5n],
      [7n, 6n],
    ]);
  });

  it('accepts any order among acquisitions that overlap in time', () => {
    expect(
      findFenceViolations([
        { fence: 2n, startMs: 0, endMs: 10 },
        { fence: 1n, startMs: 5, endMs: 15 },
        { fence: 3n, startMs: 16, endMs: 20 },
      ]),
    ).toEqual([]);
  });
});

describe.each([
  { count: 3, target: 2_000 },
  { count: 1, target: 1_000 },
  { count: 5, target: 1_000 },
])('fencing tokens with N = $count', ({ count, target }) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const quorum = quorumSize(count);

  it(`gives strictly increasing tokens over ${target}+ contended acquisitions of one resource`, async () => {
    const clientSets = Array.from({ length: ACQUIRERS }, () => fx.connect());
    await waitReady(clientSets.flat());
    const redlocks = clientSets.map((clients) => new Redlock(clients, SETTINGS));
    const { acquisitions, contended, gaveUp } = await raceFencedAcquires(redlocks, 'fenced', TTL_MS, target, monotonicMs() + DEADLINE_MS);
    console.log(`fencing N=${count}: ${acquisitions.length} acquisitions by ${ACQUIRERS} acquirers of one resource (${contended} needed retries)`);

    expect(acquisitions.length).toBeGreaterThanOrEqual(target);
    // The test is about contention: some acquisitions must have lost a race (how many
    // depends on the machine's scheduling, so only their presence is asserted).
    expect(contended).toBeGreaterThan(0);
    expect(findFenceViolations(acquisitions).slice(0, 5)).toEqual([]);
    const fences = acquisitions.map((a) => a.fence);
    expect(new Set(fences).size).toBe(fences.length);
    const max = fences.reduce((a, b) => (b > a ? b : a), 0n);
    // Giving up is allowed only for the reason the contention explains.
    for (const error of gaveUp) expect([error.reason, error.attemptCount]).toEqual(['locked', SETTINGS.retryCount + 1]);
    let atMax = 0;
    for (let index = 0; index < count; index += 1) if ((await fx.admin(index).get(fenceKey('fenced'))) === max.toString()) atMax += 1;
    expect(atMax).toBeGreaterThanOrEqual(quorum);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('writes the token back to a majority before returning', async () => {
    const redlock = new Redlock(fx.clients, { fencing: true });
    const beforeMs = Date.now();
    const first = await redlock.acquire(['written-back'], TTL_MS);
    // With no counter yet, the token is the holder's clock part.
    expect(first.fence).toBeGreaterThanOrEqual(clockToken(beforeMs));
    expect(first.fence).toBeLessThanOrEqual(clockToken(Date.now()));
    await first.release();
    // A minority node that missed the write-back holds a stale counter; the next token
    // still grows, since every quorum includes a node that has the token.
    // A counter far ahead of the clock makes the next token come from the counters.
    const ahead = clockToken(Date.now() + 3_600_000);
    for (let index = count - quorum; index < count; index += 1) await fx.admin(index).set(fenceKey('written-back'), ahead.toString());
    for (let index = 0; index < count - quorum; index += 1) await fx.admin(index).set(fenceKey('written-back'), '0');
    const second = await redlock.acquire(['written-back'], TTL_MS);
    expect(second.fence).toBe(ahead + 1n);
    let holding = 0;
    for (let index = 0; index < count; index += 1) if ((await fx.admin(index).get(fenceKey('written-back'))) === second.fence!.toString()) holding += 1;
    expect(holding).toBeGreaterThanOrEqual(quorum);
    await second.release();
  });

  it.skipIf(count === 1)('keeps tokens increasing while nodes restart empty, one at a time', async () => {
    const redlock = new Redlock(fx.clients, { fencing: true, retryDelay: 10, retryJitter: 0 });
    const fences: bigint[] = [];
    for (let round = 0; round < 2 * count; round += 1) {
      const lock = await redlock.acquire(['restarts'], TTL_MS);
      fences.push(lock.fence!);
      await lock.release();
      // The restarted node lost its counter; the other nodes still have the last token.
      await fx.servers.node(round % count).restart();
      await fx.restartCrashed();
    }
    for (let index = 1; index < fences.length; index += 1) expect(fences[index]! > fences[index - 1]!, `fences ${fences.join(', ')}`).toBe(true);
  });

  it('fences each resource of a multi-resource lock above every counter read', async () => {
    const ahead = clockToken(Date.now() + 3_600_000);
    for (let index = 0; index < count; index += 1) await fx.admin(index).set(fenceKey('multi-a'), ahead.toString());
    const redlock = new Redlock(fx.clients, { fencing: true });
    const lock = await redlock.acquire(['multi-a', 'multi-b'], TTL_MS);
    expect(lock.fence).toBe(ahead + 1n);
    // The acquire resolves at its quorum; its statistics wait for every node's answer.
    await Promise.all(lock.attempts);
    for (let index = 0; index < count; index += 1) {
      expect(await fx.admin(index).get(fenceKey('multi-a'))).toBe((ahead + 1n).toString());
      expect(await fx.admin(index).get(fenceKey('multi-b'))).toBe((ahead + 1n).toString());
    }
    await lock.release();
  });

  it('gives no fence and writes no counter when fencing is off, and a fence when a call turns it on', async () => {
    const redlock = new Redlock(fx.clients);
    expect(redlock.settings.fencing).toBe(false);
    const plain = await redlock.acquire(['unfenced'], TTL_MS);
    expect(plain.fence).toBeUndefined();
    expect((await fx.keysOnAllNodes()).filter((key) => key.includes(FENCE_KEY_PREFIX))).toEqual([]);
    await plain.release();
    const fenced = await redlock.acquire(['unfenced'], TTL_MS, { fencing: true });
    expect(typeof fenced.fence).toBe('bigint');
    expect(fenced.fence).toBeGreaterThan(0n);
    // The acquire resolves at its quorum; its statistics wait for every node's answer, so
    // every node's counter has been written.
    await Promise.all(fenced.attempts);
    expect((await fx.keysOnAllNodes()).filter((key) => key.includes(FENCE_KEY_PREFIX))).toHaveLength(count);
    await fenced.release();
  });
});

// Fencing counters live under the library's own prefix, so no resource name is reserved:
// "<r>:fence" (the counter of <r> in earlier versions) is a resource like any other.
describe('the fencing counter namespace', () => {
  const fx = withServers(1);
  resetAfterEach(fx);

  it('locks "<r>:fence" and fences <r> side by side, each on its own key', async () => {
    const redlock = new Redlock(fx.clients, { retryCount: 0 });
    const named = await redlock.acquire(['x:fence'], TTL_MS);
    const fenced = await redlock.acquire(['x'], TTL_MS, { fencing: true });
    expect(typeof fenced.fence).toBe('bigint');
    expect(await fx.admin(0).get('x:fence')).toBe(named.value);
    expect(await fx.admin(0).get(fenceKey('x'))).toBe(fenced.fence!.toString());
    await Promise.all([named.release(), fenced.release()]);
  });

  it('acquires "<r>:fence" at once after <r> was acquired with fencing', async () => {
    const redlock = new Redlock(fx.clients, { retryCount: 0 });
    await (await redlock.acquire(['y'], TTL_MS, { fencing: true })).release();
    const lock = await redlock.acquire(['y:fence'], TTL_MS);
    expect(await fx.admin(0).get('y:fence')).toBe(lock.value);
    await lock.release();
  });
});
