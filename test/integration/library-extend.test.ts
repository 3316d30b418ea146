import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, quorumSize } from '../../src/index.js';
import { rejection } from './helpers/outcomes.js';
import { resetAfterEach, sleep, withServers, lockKeysSettle } from './helpers/servers.js';

const FAST = { retryDelay: 5, retryJitter: 0 } as const;

describe.each([1, 3, 5])('extend with N = %i', (count) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const quorum = quorumSize(count);
  const indexes = Array.from({ length: count }, (_, index) => index);

  it('extends the TTL on the nodes and returns a new Lock with the same value and fence', async () => {
    const redlock = new Redlock(fx.clients, { ...FAST, fencing: true });
    const lock = await redlock.acquire(['ext'], 1_000);
    // The acquire resolves at its quorum; a straggler node's SET lands later, with its full
    // TTL from then. Its statistics wait for every node, so the sleep starts after every SET.
    await Promise.all(lock.attempts);
    await sleep(300);
    for (const index of indexes) expect(await fx.admin(index).pttl('ext')).toBeLessThanOrEqual(700);
    const extended = await lock.extend(5_000);
    expect(extended).not.toBe(lock);
    expect(extended.value).toBe(lock.value);
    expect(extended.fence).toBe(lock.fence);
    expect(typeof extended.fence).toBe('bigint');
    expect(extended.resources).toEqual(['ext']);
    expect(lock.expiration).toBe(0);
    expect(extended.validUntilMs).toBeGreaterThan(lock.validUntilMs + 3_000);
    expect(extended.expiration).toBeGreaterThan(Date.now() + 4_000);
    // An extension resolves at a quorum; its statistics, once every node has answered.
    await Promise.all(extended.attempts);
    for (const index of indexes) {
      const pttl = await fx.admin(index).pttl('ext');
      expect(pttl).toBeGreaterThan(4_000);
      expect(pttl).toBeLessThanOrEqual(5_000);
      expect(await fx.admin(index).get('ext')).toBe(lock.value);
    }
    // The spent Lock cannot be extended again; the new one can, through the Redlock too.
    expect(((await rejection(lock.extend(5_000))) as ExecutionError).reason).toBe('expired');
    const again = await redlock.extend(extended, 8_000);
    await Promise.all(again.attempts);
    for (const index of indexes) expect(await fx.admin(index).pttl('ext')).toBeGreaterThan(7_000);
    await again.release();
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it("fails with reason 'expired' on an expired lock, without touching Redis", async () => {
    const redlock = new Redlock(fx.clients, FAST);
    const lock = await redlock.acquire(['ext-expired'], 100);
    await sleep(150);
    const before = await fx.commandCalls();
    const failure = await rejection(lock.extend(1_000));
    const after = await fx.commandCalls();
    expect(failure).toBeInstanceOf(ExecutionError);
    expect((failure as ExecutionError).reason).toBe('expired');
    expect((failure as ExecutionError).attemptCount).toBe(0);
    expect(after).toBe(before);
    // commandCalls does see lock traffic, so the equality above means something.
    await redlock.acquire(['probe'], 1_000);
    expect(await fx.commandCalls()).toBeGreaterThan(after);
  });

  it('fails to extend a released lock and does not bring its keys back', async () => {
    const redlock = new Redlock(fx.clients, FAST);
    const lock = await redlock.acquire(['ext-released'], 5_000);
    await lock.release();
    const failure = (await rejection(lock.extend(5_000))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('expired');
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it("fails at once with reason 'lost' when the nodes no longer hold the lock's value", async () => {
    const redlock = new Redlock(fx.clients, FAST);
    const lock = await redlock.acquire(['ext-lost'], 5_000);
    for (const index of indexes) await fx.admin(index).set('ext-lost', 'thief', 'PX', 5_000);
    const failure = (await rejection(lock.extend(5_000))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    // Nodes that lost the lock cannot get it back: no retry could succeed.
    expect(failure.reason).toBe('lost');
    expect(failure.attemptCount).toBe(1);
    for (const index of indexes) expect(await fx.admin(index).get('ext-lost')).toBe('thief');
  });

  it.skipIf(count === 1)('extends with a minority down and fails as unavailable with a majority down', async () => {
    const redlock = new Redlock(fx.clients, FAST);
    const lock = await redlock.acquire(['ext-down'], 5_000);
    await fx.crash(indexes.slice(0, count - quorum));
    const extended = await lock.extend(6_000);
    for (const index of indexes.slice(count - quorum)) expect(await fx.admin(index).pttl('ext-down')).toBeGreaterThan(5_000);
    await fx.crash([count - quorum]);
    const failure = (await rejection(redlock.extend(extended, 6_000, { retryCount: 0 }))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('unavailable');
    // The down nodes refuse at once, and they alone decide the attempt.
    const against = failure.lastAttempt.filter((o) => o.vote === 'against');
    expect(against.map((o) => o.node).sort()).toEqual(indexes.slice(0, count - quorum + 1));
    for (const outcome of against) expect(outcome.address).toBe(fx.servers.node(outcome.node).address);
  });
});
