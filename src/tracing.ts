import { channel, tracingChannel } from 'node:diagnostics_channel';

/**
 * The context of one operation on its TracingChannel (`redquorum:acquire`,
 * `redquorum:extend`, `redquorum:release`). Set at start: operation, resources,
 * durationMs. Filled before asyncEnd / error: attempts, votesFor, votesAgainst (of the
 * last attempt), validityMs (acquire and extend, on success), fence, and `error` on
 * failure (set by TracingChannel itself).
 */
export interface OperationContext {
  readonly operation: 'acquire' | 'extend' | 'release';
  readonly resources: readonly string[];
  /** The requested TTL in ms (acquire and extend). */
  readonly durationMs?: number;
  attempts?: number;
  votesFor?: number;
  votesAgainst?: number;
  validityMs?: number;
  fence?: bigint;
  error?: unknown;
}

/** What `redquorum:lost` carries when `using()` loses its lock before the routine ended. */
export interface LostEvent {
  readonly resources: readonly string[];
  readonly error: Error;
}

export const acquireTracing = tracingChannel<unknown, OperationContext>('redquorum:acquire');
export const extendTracing = tracingChannel<unknown, OperationContext>('redquorum:extend');
export const releaseTracing = tracingChannel<unknown, OperationContext>('redquorum:release');
export const lostChannel = channel('redquorum:lost');
