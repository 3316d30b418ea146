import { AttemptLog } from './attempt-log.js';
import { ExecutionError, NO_QUORUM_MESSAGE, type ExecutionFailure } from './errors/execution-error.js';
import type { NodeOutcome, Operation } from './types.js';

/** How one attempt ended: with the operation's value, or why not. */
export type AttemptResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly reason: ExecutionFailure;
      /** Every node's answer in this attempt (for the error). */
      readonly outcomes: readonly NodeOutcome[];
      /** No later attempt can succeed (the lock expired or is lost): stop now. */
      readonly final?: boolean;
    };

export interface RetryPlan<T> {
  readonly operation: Operation;
  readonly resources: readonly string[];
  /** retryCount + 1, or Infinity. */
  readonly attemptsMax: number;
  readonly clock: () => number;
  /** One attempt; it pushes its vote statistics to `log`. `startMs` is when it began. */
  attempt(attempt: number, startMs: number, log: AttemptLog): Promise<AttemptResult<T>>;
  /**
   * Waits before the next attempt (rejects on abort or quit). Resolves with a reason to
   * give up instead, e.g. `expired` when no later attempt could matter.
   */
  waitToRetry(attemptStartMs: number): Promise<ExecutionFailure | undefined>;
}

/**
 * The one attempt-and-retry loop of acquire, extend and release: attempt, and on failure
 * wait and attempt again, until an attempt succeeds, one says no later one can, the
 * wait says so, or the attempts run out. Then one ExecutionError carries every attempt.
 */
export async function withRetries<T>(plan: RetryPlan<T>): Promise<T> {
  const log = new AttemptLog();
  for (let attempt = 1; ; attempt += 1) {
    const startMs = plan.clock();
    const result = await plan.attempt(attempt, startMs, log);
    if (result.ok) return result.value;
    let reason = result.reason;
    if (!result.final && attempt < plan.attemptsMax) {
      const stop = await plan.waitToRetry(startMs);
      if (stop === undefined) continue;
      reason = stop;
    }
    throw executionError(plan.operation, plan.resources, log, reason, result.outcomes);
  }
}

/** The one place an ExecutionError is built. */
export function executionError(
  operation: Operation,
  resources: readonly string[],
  log: AttemptLog,
  reason: ExecutionFailure,
  lastAttempt: readonly NodeOutcome[],
  message = NO_QUORUM_MESSAGE,
): ExecutionError {
  return new ExecutionError(message, log.list, { operation, resources, reason, attemptCount: log.count, lastAttempt });
}
