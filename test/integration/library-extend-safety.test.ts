import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock } from '../../src/index.js';
import { rejection } from './helpers/outcomes.js';
import { resetAfterEach, waitReady, withServers } from './helpers/servers.js';

describe('extend and using when the lock is in danger', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  // Issue: extend(lock, 2) on a 10 s lock failed, yet had cut the keys to 2 ms while the
  // old Lock still claimed 9.9 s, and another client acquired the resource.
  it('does not shorten the keys when an extension fails, so the old Lock stays true', async () => {
    // A node timeout of its own: the one derived from a 2 ms duration (50 ms) could fail the
    // extension on a loaded machine as unavailable, before its validity is even looked at.
    const redlock = new Redlock(fx.clients, { retryCount: 0, nodeTimeoutMs: 1_000 });
    const lock = await redlock.acquire(['kept'], 10_000);
    const failure = (await rejection(lock.extend(2))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('validity');
    // The extension resolves at its quorum; its statistics wait for every node's answer, so
    // the last node's extension (and the acquire before it) has landed.
    await Promise.all(failure.attempts);
    for (let index = 0; index < 3; index += 1) {
      expect(await fx.admin(index).get('kept')).toBe(lock.value);
      expect(await fx.admin(index).pttl('kept')).toBeGreaterThan(9_000);
    }
    // Fresh clients are not connected yet: a node whose client is not ready votes against at once.
    const otherClients = fx.connect();
    await waitReady(otherClients);
    const other = new Redlock(otherClients, { retryCount: 0 });
    const refused = (await rejection(other.acquire(['kept'], 1_000))) as ExecutionError;
    expect(refused.reason).toBe('locked');
    expect(lock.validUntilMs).toBeGreaterThan(performance.now() + 9_000);
    await lock.release();
  });

  // Issue: when a quorum answered "no longer held", using() kept extending and aborted
  // the routine only at the expiry timer (989 ms instead of about 490 ms), reason 'expired'.
  it('aborts the routine at the first extension a quorum refuses as not held, with that error', async () => {
    // The first extension starts about ttlMs - thresholdMs in. It may take up to the node
    // timeout (a loaded machine), plus slack for the timers; a retry would come at least
    // retryDelayMs after a prompt refusal, and the expiry timer near ttlMs: both after the bound.
    const ttlMs = 2_000;
    const thresholdMs = 1_000;
    const nodeTimeoutMs = 300;
    const slackMs = 100;
    const retryDelayMs = nodeTimeoutMs + 2 * slackMs;
    const redlock = new Redlock(fx.clients, { automaticExtensionThreshold: thresholdMs, nodeTimeoutMs, retryDelay: retryDelayMs, retryJitter: 0 });
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
    expect(abortedAfterMs).toBeLessThan(ttlMs - thresholdMs + nodeTimeoutMs + slackMs);
  });
});
