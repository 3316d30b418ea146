import type { ExecutionStats, NodeOutcome, Operation } from '../types.js';

/**
 * Why an operation failed, judged from its last attempt:
 * - `locked`: the nodes that refused hold the lock for someone else;
 * - `unavailable`: the nodes that refused failed or timed out;
 * - `mixed`: some of each;
 * - `validity`: a quorum agreed, but too late: no validity time was left;
 * - `expired`: the lock to extend (or release) had already expired;
 * - `lost`: so many nodes answered that the lock is no longer held that a quorum can
 *   never extend it again.
 */
export type ExecutionFailure = 'locked' | 'unavailable' | 'mixed' | 'validity' | 'expired' | 'lost';

export interface ExecutionErrorDetails {
  readonly operation: Operation;
  readonly resources: readonly string[];
  readonly reason: ExecutionFailure;
  /** How many attempts were made (`attempts` keeps at most the latest ATTEMPT_STATS_MAX). */
  readonly attemptCount: number;
  /** Every node's answer in the last attempt, with node index, address and cause. */
  readonly lastAttempt: readonly NodeOutcome[];
}

/**
 * An operation could not reach a quorum within its retries. `message` is node-redlock
 * v5's exact text; `attempts` has v5's shape (one promise of vote statistics per
 * attempt). What happened is in the fields: `reason`, `lastAttempt` (every node's answer
 * with its error), `summary` (all of it in one line) and `cause` (the first refusal of
 * the last attempt).
 */
export class ExecutionError extends Error {
  override readonly name = 'ExecutionError';
  readonly operation: Operation | undefined;
  readonly resources: readonly string[];
  readonly reason: ExecutionFailure | undefined;
  readonly attemptCount: number;
  readonly lastAttempt: readonly NodeOutcome[];

  constructor(
    message: string,
    readonly attempts: ReadonlyArray<Promise<ExecutionStats>>,
    details?: ExecutionErrorDetails,
  ) {
    const firstRefusal = details?.lastAttempt.find((outcome) => outcome.error !== undefined)?.error;
    super(message, firstRefusal ? { cause: firstRefusal } : undefined);
    this.operation = details?.operation;
    this.resources = details?.resources ?? [];
    this.reason = details?.reason;
    this.attemptCount = details?.attemptCount ?? attempts.length;
    this.lastAttempt = details?.lastAttempt ?? [];
  }

  /** The message with the operation, reason, attempt count and every refusal, in one line. */
  get summary(): string {
    if (this.operation === undefined) return this.message;
    const against = this.lastAttempt
      .filter((outcome) => outcome.vote === 'against')
      .map((outcome) => `node ${outcome.node} (${outcome.address}): ${outcome.error?.name ?? 'Error'}: ${outcome.error?.message ?? ''}`);
    const votesFor = this.lastAttempt.length - against.length;
    return (
      `${this.message} [${this.operation} of ${JSON.stringify(this.resources)}: ${this.reason}; ` +
      `${this.attemptCount} attempt(s); last attempt: ${votesFor} for, ${against.length} against` +
      (against.length > 0 ? `; against: ${against.join('; ')}` : '') +
      ']'
    );
  }
}

/** node-redlock v5's words when an operation runs out of attempts. */
export const NO_QUORUM_MESSAGE = 'The operation was unable to achieve a quorum during its retry window.';

/** node-redlock v5's words when extend() is given a lock whose validity has ended. */
export const EXPIRED_MESSAGE = 'Cannot extend an already-expired lock.';
