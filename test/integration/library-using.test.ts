import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, quorumSize, type RedlockAbortSignal } from '../../src/index.js';
import { rejection } from './helpers/outcomes.js';
import { resetAfterEach, sleep, withServers, lockKeysSettle } from './helpers/servers.js';

const TTL_MS = 800;
/**
 * Extend 600 ms before validity ends: an extension is due every ~200 ms and has 600 ms to
 * land, so an event loop stalled for half a second on a loaded machine still keeps the lock.
 */
const SETTINGS = { automaticExtensionThreshold: 600, retryDelay: 5, retryJitter: 0 } as const;
/**
 * A TTL for tests whose release must fail for want of a quorum, not give up because the
 * keys surely expired: a release stops retrying once TTL + node timeout have passed since
 * the acquire, and with TTL_MS that is under a second, which killing nodes on a loaded
 * machine can take. It is still 100 ms or more above SETTINGS' automaticExtensionThreshold.
 */
const LONG_TTL_MS = 5_000;
/** Longest a routine waits for its signal to abort. */
const ABORT_WAIT_MS = 3_000;

function abortedWithin(signal: AbortSignal, timeoutMs: number): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(true);
    }, { once: true });
  });
}

describe.each([1, 3, 5])('using with N = %i', (count) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const quorum = quorumSize(count);
  const indexes = Array.from({ length: count }, (_, index) => index);

  async function valuesOnNodes(key: string): Promise<(string | null)[]> {
    return Promise.all(indexes.map((index) => fx.admin(index).get(key)));
  }

  /**
   * The acquire resolves at its quorum, so when a routine starts a node may not have run
   * its SET yet. A PING on each lock connection is answered only after that connection's
   * earlier commands ran: once every one is back, every node has the key.
   */
  async function acquireLanded(): Promise<void> {
    await Promise.all(fx.clients.map((client) => client.ping()));
  }

  it('keeps the lock for 3x its TTL, returns the value and releases', async () => {
    const redlock = new Redlock(fx.clients, SETTINGS);
    const seen: (string | null)[][] = [];
    let abortedInside: boolean | undefined;
    const result = await redlock.using(['kept'], TTL_MS, async (signal) => {
      await acquireLanded();
      for (let step = 0; step < 4; step += 1) {
        seen.push(await valuesOnNodes('kept'));
        await sleep((3 * TTL_MS) / 4);
      }
      seen.push(await valuesOnNodes('kept'));
      abortedInside = signal.aborted;
      return { answer: 42 };
    });
    expect(result).toEqual({ answer: 42 });
    expect(abortedInside).toBe(false);
    const value = seen[0]![0];
    expect(value).toMatch(/^[0-9a-f]{32}$/);
    // Same value on every node at every look, well past the TTL.
    for (const look of seen) expect(look).toEqual(indexes.map(() => value));
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('takes its settings as the third argument (v5 overload) and releases after the routine throws', async () => {
    const redlock = new Redlock(fx.clients);
    const oops = new Error('routine failed');
    let heldInside: (string | null)[] = [];
    const error = await rejection(
      redlock.using(['throws'], TTL_MS, SETTINGS, async () => {
        await acquireLanded();
        heldInside = await valuesOnNodes('throws');
        throw oops;
      }),
    );
    expect(error).toBe(oops);
    expect(heldInside.every((v) => v !== null)).toBe(true);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('aborts the signal with signal.error when a majority of nodes goes away', async () => {
    const redlock = new Redlock(fx.clients, SETTINGS);
    const events: Error[] = [];
    redlock.on('error', (error: Error) => events.push(error));
    let aborted = false;
    let signalError: Error | undefined;
    let reason: unknown;
    const result = await redlock.using(['lost'], TTL_MS, async (signal: RedlockAbortSignal) => {
      await fx.crash(indexes.slice(0, quorum));
      aborted = await abortedWithin(signal, ABORT_WAIT_MS);
      signalError = signal.error;
      reason = signal.reason;
      return 'finished anyway';
    });
    expect(aborted).toBe(true);
    expect(signalError).toBeInstanceOf(ExecutionError);
    expect(reason).toBe(signalError);
    expect(['unavailable', 'expired']).toContain((signalError as ExecutionError).reason);
    expect(result).toBe('finished anyway');
    // The release could not reach a quorum either: reported, not thrown.
    expect(events.some((e) => e instanceof ExecutionError && e.operation === 'release')).toBe(true);
  });

  it("throws the routine's error, not the release error, and emits the release error", async () => {
    const redlock = new Redlock(fx.clients, SETTINGS);
    const events: Error[] = [];
    redlock.on('error', (error: Error) => events.push(error));
    const oops = new Error('routine failed while nodes died');
    const error = await rejection(
      redlock.using(['both-fail'], LONG_TTL_MS, async () => {
        await fx.crash(indexes.slice(0, quorum));
        throw oops;
      }),
    );
    expect(error).toBe(oops);
    const releaseErrors = events.filter((e): e is ExecutionError => e instanceof ExecutionError && e.operation === 'release');
    expect(releaseErrors).toHaveLength(1);
    expect(releaseErrors[0]!.reason).toBe('unavailable');
    expect(releaseErrors[0]!.resources).toEqual(['both-fail']);
  });

  it("aborts the routine's signal when the caller's signal aborts", async () => {
    const redlock = new Redlock(fx.clients, SETTINGS);
    const controller = new AbortController();
    const why = new Error('shutting down');
    const result = await redlock.using(['caller-abort'], TTL_MS, { signal: controller.signal }, async (signal) => {
      setTimeout(() => controller.abort(why), 50);
      return { aborted: await abortedWithin(signal, ABORT_WAIT_MS), error: (signal as RedlockAbortSignal).error };
    });
    expect(result).toEqual({ aborted: true, error: why });
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });
});
