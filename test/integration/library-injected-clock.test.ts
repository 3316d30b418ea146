import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock } from '../../src/index.js';
import { lockKeys, resetAfterEach, withServers } from './helpers/servers.js';

const TTL_MS = 1_000;

/**
 * A monotonic clock the test moves by hand: each reading returns the real time plus
 * whatever the test added, so an acquisition can be made to "take" any time at all.
 */
function steppedClock(): { clock: () => number; add: (ms: number) => void } {
  let offsetMs = 0;
  return { clock: () => performance.now() + offsetMs, add: (ms) => (offsetMs += ms) };
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
    expect(lockKeys(await fx.keysOnAllNodes())).toEqual([]);
  });

  it('still accepts an attempt that leaves 1 ms of validity', async () => {
    const stepped = steppedClock();
    const redlock = new Redlock(fx.clients, { retryCount: 0, driftFactor: 0 }, { clock: stepped.clock });
    const attempt = redlock.acquire(['tight'], TTL_MS);
    stepped.add(TTL_MS - 200); // leaves ~198 ms minus the real round trip
    const lock = await attempt;
    expect(lock.validUntilMs - stepped.clock()).toBeGreaterThan(0);
    await lock.release();
  });

  it('refuses to extend once validity has passed on its clock, without asking the servers', async () => {
    const stepped = steppedClock();
    const redlock = new Redlock(fx.clients, {}, { clock: stepped.clock });
    const lock = await redlock.acquire(['extend-late'], TTL_MS);
    stepped.add(TTL_MS);
    const callsBefore = await fx.commandCalls();
    await expect(lock.extend(TTL_MS)).rejects.toMatchObject({ name: 'ExecutionError', reason: 'expired', attemptCount: 0 });
    expect(await fx.commandCalls()).toBe(callsBefore);
    await lock.release();
  });
});
