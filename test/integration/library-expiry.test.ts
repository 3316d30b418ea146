import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, quorumSize, type Lock } from '../../src/index.js';
import { commandCallsOn, lockKeys, resetAfterEach, sleep, waitReady, withServers, RELEASE_LANDS_MS, lockKeysSettle } from './helpers/servers.js';
import { rejection } from './helpers/outcomes.js';

const FAST = { retryDelay: 5, retryJitter: 0 } as const;
/**
 * Short enough to wait out, long enough to see the key while it lives: a refusal and a
 * read of every node fit in it on a loaded machine.
 */
const SHORT_TTL_MS = 500;
const LONG_TTL_MS = 10_000;
/**
 * How long the test waits for the keys to go. Redis never returns an expired key (KEYS
 * checks the TTL), so they are gone at the TTL; this bound only keeps a broken expiry from
 * hanging the test, and is not a speed claim.
 */
const EXPIRY_WAIT_MS = 10 * SHORT_TTL_MS;

describe.each([1, 3, 5])('expiry, release and leftovers with N = %i', (count) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const quorum = quorumSize(count);
  const indexes = Array.from({ length: count }, (_, index) => index);

  it("removes the lock's keys after the TTL, and another client can then acquire", async () => {
    const first = new Redlock(fx.clients, FAST);
    // Fresh clients are not connected yet: a node whose client is not ready votes against at
    // once, and the refusal below would not show that the lock lives.
    const secondClients = fx.connect();
    await waitReady(secondClients);
    const second = new Redlock(secondClients, FAST);
    const startMs = performance.now();
    const lock = await first.acquire(['expires'], SHORT_TTL_MS);
    // The acquire resolves at its quorum; its statistics wait for every node's answer.
    await Promise.all(lock.attempts);
    // While it lives, the other client is refused, and every node holds the key. Both must
    // happen within the TTL: the refusal goes first, then each node is read, all at once.
    expect(await rejection(second.acquire(['expires'], SHORT_TTL_MS, { retryCount: 0 }))).toBeInstanceOf(ExecutionError);
    const held = await Promise.all(indexes.map((index) => Promise.all([fx.admin(index).get('expires'), fx.admin(index).pttl('expires')])));
    for (const [value, pttl] of held) {
      expect(value).toBe(lock.value);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(SHORT_TTL_MS);
    }
    while (lockKeys(await fx.keysOnAllNodes()).length > 0 && performance.now() - startMs < EXPIRY_WAIT_MS) await sleep(10);
    expect(lockKeys(await fx.keysOnAllNodes())).toEqual([]);
    // Not before the TTL: the keys were set after startMs (Redis and this clock may round
    // differently by a millisecond each).
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(SHORT_TTL_MS - 2);
    const next = await second.acquire(['expires'], LONG_TTL_MS, { retryCount: 0 });
    expect(next.value).not.toBe(lock.value);
    // The acquire resolves at its quorum; its statistics wait for every node's answer.
    await Promise.all(next.attempts);
    for (const index of indexes) expect(await fx.admin(index).get('expires')).toBe(next.value);
    await next.release();
  });

  it('releases a lock that already expired without an error, and leaves the next holder alone', async () => {
    const first = new Redlock(fx.clients, FAST);
    const second = new Redlock(fx.connect(), FAST);
    const expired = await first.acquire(['late-release'], SHORT_TTL_MS);
    // The acquire resolves at its quorum; its statistics wait for every node's answer. The
    // sleep then starts after every node's key was set, so they have all expired when it ends.
    await Promise.all(expired.attempts);
    await sleep(SHORT_TTL_MS + 10);
    const next = await second.acquire(['late-release'], LONG_TTL_MS, { retryCount: 0 });
    // The acquire resolves at its quorum; its statistics wait for every node's answer.
    await Promise.all(next.attempts);
    const result = await expired.release();
    expect(result.attempts).toHaveLength(1);
    expect(expired.expiration).toBe(0);
    for (const index of indexes) expect(await fx.admin(index).get('late-release')).toBe(next.value);
    await next.release();
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('releases twice without an error', async () => {
    const redlock = new Redlock(fx.clients, FAST);
    const lock = await redlock.acquire(['twice'], LONG_TTL_MS);
    await lock.release();
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
    await expect(lock.release()).resolves.toMatchObject({ attempts: [expect.any(Promise)] });
    await expect(redlock.release(lock)).resolves.toBeDefined();
  });

  it('leaves only the holder\'s keys after many acquirers failed against a held resource', async () => {
    const holder = new Redlock(fx.clients, FAST);
    const held = await holder.acquire(['crowded'], LONG_TTL_MS);
    // The acquire resolves at its quorum: a straggler node's SET, on another connection than
    // the acquirers', could come after theirs. Its statistics wait for every node's answer.
    await Promise.all(held.attempts);
    const acquirers = Array.from({ length: 10 }, () => new Redlock(fx.connect(), { ...FAST, retryCount: 3 }));
    const results = await Promise.allSettled(acquirers.map((redlock) => redlock.acquire(['crowded', `free-${Math.random()}`], LONG_TTL_MS)));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof ExecutionError)).toBe(true);
    // The free resource of each multi-resource attempt was never set (all-or-nothing).
    expect(lockKeys(await fx.keysOnAllNodes())).toEqual(indexes.map((index) => `${index}:crowded`));
    for (const index of indexes) expect(await fx.admin(index).get('crowded')).toBe(held.value);
    await held.release();
  });

  it('takes back the keys it set on the nodes that agreed when the attempt failed', async () => {
    // Held on a bare majority by someone else: every attempt sets the key on the rest.
    const heldOn = indexes.slice(0, quorum);
    for (const index of heldOn) await fx.admin(index).set('partial', 'someone-else', 'PX', LONG_TTL_MS);
    const redlock = new Redlock(fx.clients, FAST);
    const failure = (await rejection(redlock.acquire(['partial', 'partial-2'], LONG_TTL_MS, { retryCount: 4 }))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('locked');
    expect(failure.attemptCount).toBe(5);
    // The nodes not held voted for in every attempt, so the keys were set, then taken back.
    for (const attempt of failure.attempts) expect((await attempt).votesFor.size).toBe(count - quorum);
    // A take-back to a node whose acquire reply came after the attempt's decision is sent
    // but not awaited; a PING on each lock connection, behind it, is the barrier.
    await Promise.all(fx.clients.map((client) => client.ping()));
    const byNode = await fx.keysByNode();
    for (const index of indexes) expect(byNode[index]).toEqual(heldOn.includes(index) ? ['partial'] : []);
  });

  it('takes back a failed attempt only where it may have set a key: not on the nodes its script was refused by', async () => {
    const heldOn = indexes.slice(0, quorum);
    for (const index of heldOn) {
      await fx.admin(index).set('refusing', 'someone-else', 'PX', LONG_TTL_MS);
      await fx.admin(index).set('refusing-one', 'someone-else', 'PX', LONG_TTL_MS);
    }
    const redlock = new Redlock(fx.clients, FAST);
    // Each script cached on every node first, so that a script run is one EVALSHA.
    await (await redlock.acquire(['warm-up', 'warm-up-2'], LONG_TTL_MS)).release();
    await expect.poll(async () => lockKeys(await fx.keysOnAllNodes()).filter((key) => key.includes('warm-up')), { timeout: RELEASE_LANDS_MS, interval: 5 }).toEqual([]);
    // A take-back to a node whose acquire reply came after the attempt's decision is sent
    // but not awaited; a PING on each lock connection, behind it, is the barrier.
    const scriptRuns = async (): Promise<number[]> => {
      await Promise.all(fx.clients.map((client) => client.ping()));
      return Promise.all(indexes.map(async (index) => {
        const calls = await commandCallsOn(fx.admin(index));
        return (calls['evalsha'] ?? 0) + (calls['eval'] ?? 0);
      }));
    };

    // The ACQUIRE script (two resources): a refusal means another value holds a key there, and nothing was written.
    let before = await scriptRuns();
    const failure = (await rejection(redlock.acquire(['refusing', 'refusing-2'], LONG_TTL_MS, { retryCount: 2 }))) as ExecutionError;
    expect(failure.attemptCount).toBe(3);
    let after = await scriptRuns();
    for (const index of indexes) expect(after[index]! - before[index]!).toBe(heldOn.includes(index) ? 3 : 6);

    // SET NX (one resource, no fencing) cannot tell a resent command's own key from another's: every node is taken back.
    before = await scriptRuns();
    const single = (await rejection(redlock.acquire(['refusing-one'], LONG_TTL_MS, { retryCount: 2 }))) as ExecutionError;
    expect(single.attemptCount).toBe(3);
    after = await scriptRuns();
    for (const index of indexes) expect(after[index]! - before[index]!).toBe(3);
    const byNode = await fx.keysByNode();
    for (const index of indexes) expect(byNode[index]).toEqual(heldOn.includes(index) ? ['refusing', 'refusing-one'] : []);
  });

  it('leaves only the winner\'s keys when racing acquirers split the votes', async () => {
    const clientSets = Array.from({ length: 10 }, () => fx.connect());
    const racers = clientSets.map((clients) => new Redlock(clients, { ...FAST, retryCount: 0 }));
    const results = await Promise.allSettled(racers.map((redlock) => redlock.acquire(['race'], LONG_TTL_MS)));
    const winners = results.filter((r): r is PromiseFulfilledResult<Lock> => r.status === 'fulfilled').map((r) => r.value);
    expect(winners.length).toBeLessThanOrEqual(1);
    // A loser's take-back to a node whose acquire reply came after its decision is sent but
    // not awaited; a PING on each racer's connections, behind it, is the barrier.
    await Promise.all(clientSets.flat().map((client) => client.ping()));
    const byNode = await fx.keysByNode();
    if (winners.length === 1) {
      const winner = winners[0]!;
      let holding = 0;
      for (const index of indexes) {
        const value = await fx.admin(index).get('race');
        // A node may lack the key (another racer's key was there first, then taken back).
        if (value !== null) expect(value).toBe(winner.value);
        if (value === winner.value) holding += 1;
      }
      expect(holding).toBeGreaterThanOrEqual(quorum);
      await winner.release();
    } else {
      expect(byNode.flat()).toEqual([]);
    }
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });
});
