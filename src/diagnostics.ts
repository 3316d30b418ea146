import { channel } from 'node:diagnostics_channel';
import type { NodeOutcome, Operation } from './types.js';

/** One attempt of an operation, as published on the `redquorum:attempt` channel. */
export interface AttemptEvent {
  readonly operation: Operation;
  readonly resources: readonly string[];
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly decision: 'for' | 'against';
  /** The answers counted when the attempt was decided. */
  readonly outcomes: readonly NodeOutcome[];
  /** Time from sending to the decision, monotonic ms. */
  readonly elapsedMs: number;
  /** acquire / extend: the validity left when decided (may be <= 0: then it failed). */
  readonly validityMs?: number;
}

/**
 * Subscribe with `diagnostics_channel.subscribe('redquorum:attempt', fn)`. Node runs
 * subscribers synchronously and rethrows their errors on the next tick, so a faulty
 * subscriber is seen and cannot break a lock operation.
 */
export const attemptChannel = channel('redquorum:attempt');

export function publishAttempt(event: AttemptEvent): void {
  if (attemptChannel.hasSubscribers) attemptChannel.publish(event);
}
