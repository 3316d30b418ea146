import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock } from '../../src/index.js';
import { rejection } from './helpers/outcomes.js';
import { resetAfterEach, sleep, withServers } from './helpers/servers.js';

describe('extend and using when the lock is in danger', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  // Issue: extend(lock, 2) on a 10 s lock failed, yet had cut the keys to 2 ms while the
  // old Lock still claimed 9.9 s, and another client acquired the resource.
  it('does not shorten the keys when an extension fails, so the old Lock stays true', async () => {
    const redlock = new Redlock(fx.clients, { retryCount: 0 });
    const lock = await redlock.acquire(['kept'], 10_000);
    const failure = (await rejection(lock.extend(2))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('validity');
    await sleep(20);
    for (let index = 0; index < 3; index += 1) {
      expect(await fx.admin(index).get('kept')).toBe(lock.value);
      expect(await fx.admin(index).pttl('kept')).toBeGreaterThan(9_000);
    }
    const other = new Redlock(fx.connect(), { retryCount: 0 });
    const refused = (await rejection(other.acquire(['kept'], 1_000))) as ExecutionError;
    expect(refused.reason).toBe('locked');
    expect(lock.validUntilMs).toBeGreaterThan(performance.now() + 9_000);
    await lock.release();
  });

  // Issue: when a quorum answered "no longer held", using() kept extending and aborted
  // the routine only at the expiry timer (989 ms instead of about 490 ms), reason 'expired'.
  it('aborts the routine at the first extension a quorum refuses as not held, with that error', async () => {
    const ttlMs = 1_000;
    const thresholdMs = 500;
    const retryDelayMs = 300;
    const redlock = new Redlock(fx.clients, { automaticExtensionThreshold: thresholdMs, retryDelay: retryDelayMs, retryJitter: 0 });
    let startMs = 0;
    let abortedAfterMs = Number.POSITIVE_INFINITY;
    let error: Error | undefined;
    await redlock.using(['stolen'], ttlMs, async (signal) => {
      startMs = performance.now();
      // The lock is gone from every node (expired, flushed, or deleted by an operator).
      for (let index = 0; index < 3; index += 1) await fx.admin(index).del('stolen');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      abortedAfterMs = performance.now() - startMs;
      error = signal.error;
    });
    console.log(`routine aborted ${abortedAfterMs.toFixed(0)} ms into a ${ttlMs} ms lock (${(error as ExecutionError | undefined)?.reason})`);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as ExecutionError).reason).toBe('lost');
    // The first extension starts thresholdMs before validity ends; no retry follows it.
    expect(abortedAfterMs).toBeLessThan(ttlMs - thresholdMs + retryDelayMs);
  });
});
