import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock } from '../../src/index.js';
import { resetAfterEach, withServers, lockKeysSettle } from './helpers/servers.js';

const TTL_MS = 1_000;

/**
 * A monotonic clock the test moves by hand: each reading returns the real time plus
 * whatever the test added, so an acquisition can be made to "take" any time at all.
 */
function steppedClock(): { clock: () => number; add: (ms: number) => void } {
  let offsetMs = 0;
  return { clock: () => performance.now() + offsetMs, add: (ms) => (offsetMs += ms) };
}

/**
 * A monotonic clock that stands still unless the test moves it: an acquisition then
 * "takes" exactly the time the test adds, to the millisecond, however long the real round
 * trips were.
 */
function frozenClock(): { clock: () => number; add: (ms: number) => void } {
  let nowMs = 1_000_000;
  return { clock: () => nowMs, add: (ms) => (nowMs += ms) };
}

describe('validity on an injected clock, against real servers', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  it('returns a lock whose validity is TTL - elapsed - drift on the injected clock', async () => {
    const { clock } = steppedClock();
    const redlock = new Redlock(fx.clients, {}, { clock });
    const before = clock();
    const lock = await redlock.acquire(['fresh'], TTL_MS);
    const after = clock();
    // drift = 0.01 * 1000 + 2 = 12 ms
    expect(lock.validUntilMs).toBeGreaterThanOrEqual(before + TTL_MS - 12 - (after - before));
    expect(lock.validUntilMs).toBeLessThanOrEqual(after + TTL_MS - 12);
    await lock.release();
  });

  it('refuses a quorum reached after the TTL had run out on its clock, and takes the keys back', async () => {
    const stepped = steppedClock();
    const redlock = new Redlock(fx.clients, { retryCount: 0 }, { clock: stepped.clock });
    // The clock jumps while the attempt is in flight, as a paused client would see it.
    const attempt = redlock.acquire(['late'], TTL_MS);
    stepped.add(TTL_MS - 11); // elapsed 989 ms + drift 12 ms > TTL: no validity left
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as ExecutionError).reason).toBe('validity');
    // A take-back to a node whose acquire reply came after the attempt's decision is sent
    // but not awaited: it lands a moment later.
    await lockKeysSettle(fx, []);
  });

  it('still accepts an attempt that leaves 1 ms of validity, and refuses one that leaves 0', async () => {
    // driftFactor 0: the drift is Redis's 2 ms granularity alone, so validity = TTL - elapsed - 2.
    const driftMs = 2;
    for (const leftMs of [1, 0]) {
      const frozen = frozenClock();
      const redlock = new Redlock(fx.clients, { retryCount: 0, driftFactor: 0 }, { clock: frozen.clock });
      const attempt = redlock.acquire([`tight-${leftMs}`], TTL_MS);
      frozen.add(TTL_MS - driftMs - leftMs); // the attempt takes exactly this long on its clock
      const outcome = await attempt.then(
        (lock) => lock,
        (caught: unknown) => caught,
      );
      if (leftMs === 1) {
        expect(outcome).not.toBeInstanceOf(Error);
        const lock = outcome as Awaited<typeof attempt>;
        expect(lock.validUntilMs - frozen.clock()).toBe(1);
        await lock.release();
      } else {
        expect(outcome).toBeInstanceOf(ExecutionError);
        expect((outcome as ExecutionError).reason).toBe('validity');
      }
    }
    // A release resolves at a quorum, and a take-back waits only for the nodes that had
    // answered: the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('refuses to extend once validity has passed on its clock, without asking the servers', async () => {
    const stepped = steppedClock();
    const redlock = new Redlock(fx.clients, {}, { clock: stepped.clock });
    const lock = await redlock.acquire(['extend-late'], TTL_MS);
    // The acquire resolves at its quorum; a straggler node's SET would count between the two
    // readings below. Its statistics wait for every node's answer.
    await Promise.all(lock.attempts);
    stepped.add(TTL_MS);
    const callsBefore = await fx.commandCalls();
    await expect(lock.extend(TTL_MS)).rejects.toMatchObject({ name: 'ExecutionError', reason: 'expired', attemptCount: 0 });
    expect(await fx.commandCalls()).toBe(callsBefore);
    await lock.release();
  });
});
