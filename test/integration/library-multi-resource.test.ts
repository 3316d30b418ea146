import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, ResourceLockedError, monotonicMs, quorumSize, type Lock } from '../../src/index.js';
import { findOverlaps, type HoldInterval } from './helpers/hold-intervals.js';
import { rejection } from './helpers/outcomes.js';
import { lockKeys, resetAfterEach, waitReady, withServers, RELEASE_LANDS_MS, lockKeysSettle } from './helpers/servers.js';

const TTL_MS = 5_000;
const ONCE = { retryCount: 0 } as const;

describe.each([1, 3, 5])('multi-resource locks with N = %i', (count) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const quorum = quorumSize(count);
  const indexes = Array.from({ length: count }, (_, index) => index);

  it("['a','b'] and ['b','c'] exclude each other; ['a'] and ['c'] coexist", async () => {
    const one = new Redlock(fx.clients);
    const two = new Redlock(fx.connect());
    const ab = await one.acquire(['a', 'b'], TTL_MS);
    // The acquire resolves at its quorum; on a node still to answer, the other client's
    // attempt (another connection) could be served first. Wait for every node's answer.
    await Promise.all(ab.attempts);
    const failure = (await rejection(two.acquire(['b', 'c'], TTL_MS, ONCE))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('locked');
    for (const outcome of failure.lastAttempt) expect((outcome.error as ResourceLockedError).resource).toBe('b');
    // All-or-nothing: the refused attempt did not lock 'c' anywhere.
    expect(lockKeys(await fx.keysOnAllNodes())).toEqual(indexes.flatMap((index) => [`${index}:a`, `${index}:b`]));
    expect(await rejection(two.acquire(['a'], TTL_MS, ONCE))).toBeInstanceOf(ExecutionError);
    const c = await two.acquire(['c'], TTL_MS, ONCE);
    await ab.release();
    const a = await one.acquire(['a'], TTL_MS, ONCE);
    // The acquire resolves at its quorum; its statistics wait for every node's answer.
    await Promise.all([...a.attempts, ...c.attempts]);
    // 'a' and 'c' held at once by different owners.
    for (const index of indexes) {
      expect(await fx.admin(index).get('a')).toBe(a.value);
      expect(await fx.admin(index).get('c')).toBe(c.value);
    }
    const bc = (await rejection(one.acquire(['b', 'c'], TTL_MS, ONCE))) as ExecutionError;
    expect(bc.reason).toBe('locked');
    for (const outcome of bc.lastAttempt) expect((outcome.error as ResourceLockedError).resource).toBe('c');
    await Promise.all([a.release(), c.release()]);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('is all-or-nothing per node: a node where one resource is held gets none of the keys', async () => {
    await fx.admin(0).set('pn-b', 'someone-else', 'PX', TTL_MS);
    const redlock = new Redlock(fx.clients);
    if (quorum <= count - 1) {
      const lock = await redlock.acquire(['pn-a', 'pn-b', 'pn-c'], TTL_MS, ONCE);
      // The acquire resolves at its quorum; its statistics wait for every node's answer.
      const stats = await lock.attempts[0]!;
      const byNode = await fx.keysByNode();
      expect(byNode[0]).toEqual(['pn-b']);
      expect(await fx.admin(0).get('pn-b')).toBe('someone-else');
      for (const index of indexes.slice(1)) {
        expect(byNode[index]).toEqual(['pn-a', 'pn-b', 'pn-c']);
        for (const key of ['pn-a', 'pn-b', 'pn-c']) expect(await fx.admin(index).get(key)).toBe(lock.value);
      }
      expect(stats.votesAgainst.get(fx.clients[0]!)).toBeInstanceOf(ResourceLockedError);
      await lock.release();
    } else {
      const failure = (await rejection(redlock.acquire(['pn-a', 'pn-b', 'pn-c'], TTL_MS, ONCE))) as ExecutionError;
      expect(failure.reason).toBe('locked');
    }
    // The release resolved at a quorum; the last node's deletion lands a moment later.
    await expect.poll(() => fx.keysOnAllNodes(), { timeout: RELEASE_LANDS_MS, interval: 5 }).toEqual(['0:pn-b']);
  });

  it('never lets two holders of overlapping resource sets hold a shared resource at once', async () => {
    const sets = [['ov-a', 'ov-b'], ['ov-b', 'ov-c'], ['ov-a'], ['ov-c']];
    const acquirers = Array.from({ length: 8 }, () => fx.connect());
    await waitReady(acquirers.flat());
    const intervals: HoldInterval[] = [];
    const target = 400;
    const worker = async (clients: (typeof acquirers)[number], id: number): Promise<void> => {
      const redlock = new Redlock(clients, { retryCount: 200, retryDelay: 2, retryJitter: 2 });
      for (let turn = 0; intervals.length < target; turn += 1) {
        const resources = sets[(id + turn) % sets.length]!;
        const lock: Lock = await redlock.acquire(resources, TTL_MS);
        const startMs = monotonicMs();
        await new Promise((resolve) => setTimeout(resolve, 1));
        const endMs = Math.min(monotonicMs(), lock.validUntilMs);
        for (const resource of resources) intervals.push({ resource, holder: `${id}:${lock.value}`, startMs, endMs });
        await lock.release();
      }
    };
    await Promise.all(acquirers.map((clients, id) => worker(clients, id)));
    expect(intervals.length).toBeGreaterThanOrEqual(target);
    expect(findOverlaps(intervals).slice(0, 5)).toEqual([]);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });
});
