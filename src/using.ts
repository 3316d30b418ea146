import { ExecutionError } from './errors/execution-error.js';
import type { Lock } from './lock.js';
import { setLongTimeout } from './long-timeout.js';
import type { Runtime } from './runtime.js';
import { lostChannel, type LostEvent } from './tracing.js';
import type { RedlockAbortSignal } from './types.js';

export interface UsingParams<T> {
  acquire(): Promise<Lock>;
  extend(lock: Lock): Promise<Lock>;
  release(lock: Lock): Promise<unknown>;
  readonly runtime: Runtime;
  /** Extend this many ms before validity ends. */
  readonly thresholdMs: number;
  /** The caller's signal: aborting it aborts the routine's signal too. */
  readonly signal: AbortSignal | undefined;
  readonly routine: (signal: RedlockAbortSignal) => Promise<T>;
  /** Where a release error goes when it must not hide the routine's own outcome. */
  onReleaseError(error: Error): void;
}

/**
 * The lifecycle of `using()`: acquire; extend before validity ends; abort the routine's
 * signal (with `signal.error`) when an extension fails, validity runs out or the caller
 * aborts; always release; return the routine's value or rethrow its error. A failed
 * release is reported through `onReleaseError` and never replaces the routine's outcome;
 * the lock then expires by itself.
 */
export async function runUsing<T>(params: UsingParams<T>): Promise<T> {
  let lock = await params.acquire();
  const controller = new AbortController();
  const signal = controller.signal as RedlockAbortSignal;
  const abort = (error: Error): void => {
    if (signal.aborted) return;
    signal.error = error;
    controller.abort(error);
  };
  // The lock was lost before the routine ended (not the caller's own abort).
  const lose = (error: Error): void => {
    if (signal.aborted) return;
    abort(error);
    if (lostChannel.hasSubscribers) lostChannel.publish({ resources: lock.resources, error } satisfies LostEvent);
  };
  const onCallerAbort = (): void => abort(asError(params.signal?.reason));
  if (params.signal?.aborted) onCallerAbort();
  else params.signal?.addEventListener('abort', onCallerAbort, { once: true });

  let finished = false;
  let extension: Promise<void> | undefined;
  let cancelExtension = (): void => {};
  let cancelExpiry = (): void => {};

  const schedule = (): void => {
    cancelExtension();
    cancelExpiry();
    const leftMs = lock.validUntilMs - params.runtime.monotonicMs();
    cancelExtension = setLongTimeout(() => {
      extension = extendNow();
    }, leftMs - params.thresholdMs, params.runtime);
    cancelExpiry = setLongTimeout(() => {
      lose(
        new ExecutionError('The lock expired before it could be extended.', [], {
          operation: 'extend',
          resources: lock.resources,
          reason: 'expired',
          attemptCount: 0,
          lastAttempt: [],
        }),
      );
    }, leftMs, params.runtime);
  };

  const extendNow = async (): Promise<void> => {
    try {
      lock = await params.extend(lock);
      if (!finished) schedule();
    } catch (error) {
      lose(asError(error));
    }
  };

  schedule();
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await params.routine(signal) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  finished = true;
  cancelExtension();
  cancelExpiry();
  params.signal?.removeEventListener('abort', onCallerAbort);
  // An extension in flight must land before the release, or it could re-extend a
  // released lock; extendNow never rejects.
  if (extension) await extension;
  try {
    await params.release(lock);
  } catch (error) {
    params.onReleaseError(asError(error));
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
