import type { ExecutionStats, NodeOutcome, Operation } from '../types.js';

/**
 * Why an operation failed, judged from its last attempt:
 * - `locked`: the nodes that refused hold the lock for someone else;
 * - `unavailable`: the nodes that refused failed or timed out;
 * - `mixed`: some of each;
 * - `validity`: a quorum agreed, but too late: no validity time was left;
 * - `expired`: the lock to extend had already expired.
 */
export type ExecutionFailure = 'locked' | 'unavailable' | 'mixed' | 'validity' | 'expired';

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
 * An operation could not reach a quorum within its retries. `attempts` has node-redlock
 * v5's shape: one promise of vote statistics per attempt.
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
    super(details ? `${message} ${describe(details)}` : message);
    this.operation = details?.operation;
    this.resources = details?.resources ?? [];
    this.reason = details?.reason;
    this.attemptCount = details?.attemptCount ?? attempts.length;
    this.lastAttempt = details?.lastAttempt ?? [];
  }
}

function describe(details: ExecutionErrorDetails): string {
  const against = details.lastAttempt
    .filter((outcome) => outcome.vote === 'against')
    .map((outcome) => `node ${outcome.node} (${outcome.address}): ${outcome.error?.name ?? 'Error'}: ${outcome.error?.message ?? ''}`);
  const votesFor = details.lastAttempt.filter((outcome) => outcome.vote === 'for').length;
  return (
    `[${details.operation} of ${JSON.stringify(details.resources)}: ${details.reason}; ` +
    `${details.attemptCount} attempt(s); last attempt: ${votesFor} for, ${details.lastAttempt.length - votesFor} against` +
    (against.length > 0 ? `; against: ${against.join('; ')}` : '') +
    ']'
  );
}
