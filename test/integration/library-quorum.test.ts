import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, ResourceLockedError, quorumSize, type ExecutionStats } from '../../src/index.js';
import { resetAfterEach, waitReady, withServers, RELEASE_LANDS_MS, lockKeysSettle } from './helpers/servers.js';
import { rejection } from './helpers/outcomes.js';

// Fast retries: these tests count attempts, they do not wait for them.
const FAST = { retryDelay: 5, retryJitter: 0 } as const;
const TTL_MS = 5_000;

describe.each([1, 3, 5])('quorum with N = %i', (count) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const quorum = quorumSize(count);
  const minority = count - quorum;
  const indexes = Array.from({ length: count }, (_, index) => index);

  it.skipIf(minority === 0)('succeeds with a minority of nodes down, and locks the nodes still up', async () => {
    const down = indexes.slice(0, minority);
    await fx.crash(down);
    const redlock = new Redlock(fx.clients, FAST);
    const lock = await redlock.acquire(['minority'], TTL_MS, { retryCount: 0 });
    expect(lock.value).toMatch(/^[0-9a-f]{32}$/);
    const byNode = await fx.keysByNode();
    for (const index of indexes) {
      if (down.includes(index)) expect(byNode[index]).toBeNull();
      else expect(byNode[index]).toEqual(['minority']);
    }
    for (const index of indexes.filter((i) => !down.includes(i))) {
      expect(await fx.admin(index).get('minority')).toBe(lock.value);
    }
    const stats = await lock.attempts[0]!;
    expect(stats.votesFor.size).toBe(count - minority);
    expect(stats.votesAgainst.size).toBe(minority);
    await lock.release();
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('fails with reason "unavailable" and each down node named when a majority is down', async () => {
    const down = indexes.slice(count - quorum);
    await fx.crash(down);
    const redlock = new Redlock(fx.clients, FAST);
    const error = await rejection(redlock.acquire(['majority'], TTL_MS, { retryCount: 0 }));
    expect(error).toBeInstanceOf(ExecutionError);
    const failure = error as ExecutionError;
    expect(failure.reason).toBe('unavailable');
    expect(failure.operation).toBe('acquire');
    expect(failure.resources).toEqual(['majority']);
    expect(failure.attemptCount).toBe(1);
    for (const index of down) {
      const outcome = failure.lastAttempt.find((o) => o.node === index);
      expect(outcome, `node ${index} in lastAttempt`).toBeDefined();
      expect(outcome!.vote).toBe('against');
      expect(outcome!.address).toBe(fx.servers.node(index).address);
      expect(outcome!.error).toBeInstanceOf(Error);
      expect(outcome!.error).not.toBeInstanceOf(ResourceLockedError);
      expect(failure.summary).toContain(fx.servers.node(index).address);
    }
    // v5's shape: every attempt's stats, resolved once every node answered.
    expect(failure.attempts).toHaveLength(1);
    const stats: ExecutionStats = await failure.attempts[0]!;
    expect(stats.membershipSize).toBe(count);
    expect(stats.quorumSize).toBe(quorum);
    expect(stats.votesAgainst.size).toBe(down.length);
    expect(stats.votesFor.size).toBe(count - down.length);
    for (const index of down) {
      const cause = stats.votesAgainst.get(fx.clients[index]!);
      expect(cause, `votesAgainst has node ${index}'s client`).toBeInstanceOf(Error);
      expect(cause).not.toBeInstanceOf(ResourceLockedError);
    }
    // The nodes still up voted for, then had their key taken back.
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('fails with reason "locked" and ResourceLockedError votes when another holds the lock', async () => {
    const holder = new Redlock(fx.clients, FAST);
    const contender = new Redlock(fx.connect(), FAST);
    const held = await holder.acquire(['held'], TTL_MS);
    // The acquire resolves at its quorum; on a node still to answer, the contender's
    // attempt (another connection) could be served first. Wait for every node's answer.
    await Promise.all(held.attempts);
    const error = await rejection(contender.acquire(['held'], TTL_MS, { retryCount: 0 }));
    expect(error).toBeInstanceOf(ExecutionError);
    const failure = error as ExecutionError;
    expect(failure.reason).toBe('locked');
    expect(failure.lastAttempt.length).toBeGreaterThanOrEqual(minority + 1);
    for (const outcome of failure.lastAttempt) {
      expect(outcome.vote).toBe('against');
      expect(outcome.error).toBeInstanceOf(ResourceLockedError);
      expect((outcome.error as ResourceLockedError).resource).toBe('held');
      expect(outcome.error!.message).toBe('The operation was applied to: 0 of the 1 requested resources.');
      expect(outcome.address).toBe(fx.servers.node(outcome.node).address);
    }
    const stats = await failure.attempts[0]!;
    expect(stats.votesFor.size).toBe(0);
    expect(stats.votesAgainst.size).toBe(count);
    for (const cause of stats.votesAgainst.values()) expect(cause).toBeInstanceOf(ResourceLockedError);
    // The holder's keys are untouched by the failed attempt.
    for (const index of indexes) expect(await fx.admin(index).get('held')).toBe(held.value);
    await held.release();
  });

  it.skipIf(minority === 0)('fails with reason "mixed" when some nodes are down and the others hold the lock', async () => {
    const holder = new Redlock(fx.clients, FAST);
    const held = await holder.acquire(['mixed'], TTL_MS);
    // Every node holds the lock before the contender tries (the acquire resolved at its quorum).
    await Promise.all(held.attempts);
    const contenderClients = fx.connect();
    await waitReady(contenderClients);
    await fx.crash([0]);
    const contender = new Redlock(contenderClients, FAST);
    const failure = (await rejection(contender.acquire(['mixed'], TTL_MS, { retryCount: 0 }))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    const stats = await failure.attempts[0]!;
    expect(stats.votesAgainst.size).toBe(count);
    const causes = [...stats.votesAgainst.values()];
    expect(causes.filter((cause) => cause instanceof ResourceLockedError)).toHaveLength(count - 1);
    // The down node refuses at once (its client knows it is down), so it is among the
    // refusals that decided the attempt, next to at least one held-lock refusal.
    expect(failure.reason).toBe('mixed');
    expect(failure.lastAttempt.some((o) => o.node === 0 && !(o.error instanceof ResourceLockedError))).toBe(true);
    await held.release();
  });

  it('makes 11 attempts with the default retryCount of 10', async () => {
    const holder = new Redlock(fx.clients, FAST);
    const contender = new Redlock(fx.connect(), FAST);
    expect(contender.settings.retryCount).toBe(10);
    const held = await holder.acquire(['default-retries'], TTL_MS);
    // Every node holds the lock before the contender tries (the acquire resolved at its quorum).
    await Promise.all(held.attempts);
    const failure = (await rejection(contender.acquire(['default-retries'], TTL_MS))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.attemptCount).toBe(11);
    expect(failure.attempts).toHaveLength(11);
    for (const attempt of failure.attempts) expect((await attempt).votesAgainst.size).toBe(count);
    await held.release();
  });

  it('makes a single attempt with retryCount 0', async () => {
    const holder = new Redlock(fx.clients, FAST);
    const contender = new Redlock(fx.connect(), { ...FAST, retryCount: 0 });
    const held = await holder.acquire(['once'], TTL_MS);
    const failure = (await rejection(contender.acquire(['once'], TTL_MS))) as ExecutionError;
    expect(failure.attemptCount).toBe(1);
    expect(failure.attempts).toHaveLength(1);
    await held.release();
  });

  it("rejects with the signal's reason soon after an abort during retries, leaving no keys of its own", async () => {
    // Hold the resource on a majority by hand, so each attempt also sets the key on the
    // other nodes and must take it back.
    const heldOn = indexes.slice(0, quorum);
    for (const index of heldOn) await fx.admin(index).set('aborted', 'someone-else', 'PX', TTL_MS);
    const nodeTimeoutMs = 500;
    const redlock = new Redlock(fx.clients, { retryDelay: 40, retryJitter: 10, nodeTimeoutMs });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const pending = rejection(redlock.acquire(['aborted'], TTL_MS, { retryCount: -1, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const abortedAtMs = performance.now();
    controller.abort(reason);
    const error = await pending;
    const tookMs = performance.now() - abortedAtMs;
    expect(error).toBe(reason);
    // An abort during the retry sleep is immediate; during an attempt it waits only for
    // the take-back on the nodes that answered, bounded by the node timeout. So about one
    // node timeout at most, however many retries were left (without limit); twice that
    // leaves a node timeout of room for a loaded machine.
    expect(tookMs).toBeLessThan(2 * nodeTimeoutMs);
    // The take-back to a node that had not answered the aborted attempt is sent but not
    // awaited: it runs after that attempt on the same connection, a moment after the
    // rejection, so a read right now could still find this acquire's key there.
    const expected = indexes.map((index) => (heldOn.includes(index) ? ['aborted'] : []));
    await expect.poll(() => fx.keysByNode(), { timeout: RELEASE_LANDS_MS, interval: 5 }).toEqual(expected);
    for (const index of heldOn) expect(await fx.admin(index).get('aborted')).toBe('someone-else');
  });
});
