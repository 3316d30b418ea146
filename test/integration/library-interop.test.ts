import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, ResourceLockedError, monotonicMs } from '../../src/index.js';
import { findOverlaps, type HoldInterval } from './helpers/hold-intervals.js';
import { rejection } from './helpers/outcomes.js';
import { V5ExecutionError, V5Redlock, V5ResourceLockedError } from './helpers/redlock-v5.js';
import { lockKeys, resetAfterEach, waitReady, withServers, lockKeysSettle } from './helpers/servers.js';

const TTL_MS = 5_000;
const FAST = { retryDelay: 3, retryJitter: 2 } as const;

describe.each([1, 3, 5])('interop with node-redlock v5 with N = %i', (count) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const indexes = Array.from({ length: count }, (_, index) => index);

  it('a lock held by redquorum refuses node-redlock v5, until released', async () => {
    const ours = new Redlock(fx.clients, FAST);
    const theirs = new V5Redlock(fx.connect(), FAST);
    const held = await ours.acquire(['shared', 'ours-only'], TTL_MS);
    // The acquire resolves at its quorum; a straggler node's keys, on another connection than
    // node-redlock's, could land after its attempt. Its statistics wait for every node's answer.
    await Promise.all(held.attempts);
    const failure = await rejection(theirs.acquire(['shared'], TTL_MS, { retryCount: 0 }));
    expect(failure).toBeInstanceOf(V5ExecutionError);
    const stats = await (failure as V5ExecutionError).attempts[0]!;
    expect(stats.votesAgainst.size).toBe(count);
    for (const cause of stats.votesAgainst.values()) expect(cause).toBeInstanceOf(V5ResourceLockedError);
    for (const index of indexes) expect(await fx.admin(index).get('shared')).toBe(held.value);
    // Likewise the release: every node's deletion must land before node-redlock asks for the
    // key, or that node refuses it. Both libraries' statistics wait for every node's answer.
    await Promise.all((await held.release()).attempts);
    const next = await theirs.acquire(['shared'], TTL_MS, { retryCount: 0 });
    await Promise.all(next.attempts);
    for (const index of indexes) expect(await fx.admin(index).get('shared')).toBe(next.value);
    await next.release();
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('a lock held by node-redlock v5 refuses redquorum (locked), whose failed attempts leave it intact', async () => {
    const theirs = new V5Redlock(fx.clients, FAST);
    // Fresh clients are not connected yet: a node whose client is not ready votes against at
    // once, as unavailable rather than locked.
    const ourClients = fx.connect();
    await waitReady(ourClients);
    const ours = new Redlock(ourClients, FAST);
    const held = await theirs.acquire(['v5-held'], TTL_MS);
    // node-redlock's acquire resolves at its quorum too; its statistics wait for every node.
    await Promise.all(held.attempts);
    const failure = (await rejection(ours.acquire(['free-too', 'v5-held'], TTL_MS, { retryCount: 2 }))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('locked');
    for (const outcome of failure.lastAttempt) expect(outcome.error).toBeInstanceOf(ResourceLockedError);
    expect(lockKeys(await fx.keysOnAllNodes())).toEqual(indexes.map((index) => `${index}:v5-held`));
    for (const index of indexes) expect(await fx.admin(index).get('v5-held')).toBe(held.value);
    await held.release();
    const next = await ours.acquire(['free-too', 'v5-held'], TTL_MS, { retryCount: 0 });
    await next.release();
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('node-redlock v5 and redquorum acquirers contending for one resource never hold it at once', async () => {
    const target = 400;
    const sets = Array.from({ length: 8 }, () => fx.connect());
    await waitReady(sets.flat());
    const intervals: HoldInterval[] = [];
    const byKind = { v5: 0, redquorum: 0 };
    let gaveUp = 0;
    const worker = async (kind: 'v5' | 'redquorum', clients: (typeof sets)[number]): Promise<void> => {
      const settings = { ...FAST, retryCount: 200 };
      const redlock = kind === 'v5' ? new V5Redlock(clients, settings) : new Redlock(clients, settings);
      while (intervals.length < target) {
        let lock;
        try {
          lock = await redlock.acquire(['contended'], TTL_MS);
        } catch (error) {
          // Either library may run out of retries under contention; that is not an overlap.
          if (!(error instanceof ExecutionError || error instanceof V5ExecutionError)) throw error;
          gaveUp += 1;
          continue;
        }
        const startMs = monotonicMs();
        await new Promise((resolve) => setTimeout(resolve, 1));
        intervals.push({ resource: 'contended', holder: `${kind}:${lock.value}`, startMs, endMs: monotonicMs() });
        byKind[kind] += 1;
        await lock.release();
      }
    };
    await Promise.all(sets.map((clients, index) => worker(index % 2 === 0 ? 'v5' : 'redquorum', clients)));
    console.log(`interop N=${count}: ${byKind.v5} node-redlock v5 and ${byKind.redquorum} redquorum acquisitions of one resource (${gaveUp} gave up after retries)`);
    expect(byKind.v5).toBeGreaterThan(target / 10);
    expect(byKind.redquorum).toBeGreaterThan(target / 10);
    expect(findOverlaps(intervals).slice(0, 5)).toEqual([]);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });
});
