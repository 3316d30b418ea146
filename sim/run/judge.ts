import type { Expectation } from '../scenarios/types.js';

/** What a scenario run showed, reduced to the numbers the expectation is about. */
export interface Observed {
  /** Run length in ms (for rates). */
  readonly runMs: number;
  readonly faultWindows: number;
  readonly attempts: number;
  readonly acquisitions: number;
  /** acquisitions / attempts; null when there were no attempts. */
  readonly availability: number | null;
  readonly acquireP50Ms: number | null;
  readonly acquireP99Ms: number | null;
  /** null: the checker could not tell (it crashed). */
  readonly lockViolations: number | null;
  /** Over fenced groups; 0 when there are none. null: unknown. */
  readonly outOfOrderAccepted: number | null;
  readonly staleRejected: number | null;
  /** Over unfenced groups; null when unknown or there are none. */
  readonly lostUpdates: number | null;
  /** Acquisitions invoked and completed inside a window of `noAcquireDuring`'s nemesis. */
  readonly acquiredDuringFault: number;
  /** The slowest recovery after a heal of `recoverAfter`'s nemesis; null if none recovered. */
  readonly maxRecoveryMs: number | null;
  /** Heals of `recoverAfter`'s nemesis not followed by any acquisition. */
  readonly unrecovered: number;
  /** Lock keys left beyond their TTL; null: unknown. */
  readonly leftoverKeys: number | null;
  /** Harness problems: a worker crashed, a nemesis failed, a checker crashed. */
  readonly problems: readonly string[];
}

/** PASS, or the kind of mismatch; the order of precedence is the exit code's. */
export type VerdictStatus = 'pass' | 'safety-mismatch' | 'liveness-mismatch' | 'harness-crash';

export interface Judgement {
  readonly status: VerdictStatus;
  readonly safetyOk: boolean;
  readonly livenessOk: boolean;
  /** Why it failed, one line each (empty on pass). */
  readonly reasons: readonly string[];
}

/**
 * Expected vs observed. Safety first: lock violations where the spec says safe, none
 * where it says unsafe (the checker would be blind), or any out-of-order write accepted
 * by a fenced resource, is a safety mismatch. Then liveness. A harness problem with no
 * safety finding is a crash: nothing can be concluded from a broken run.
 */
export function judge(expected: Expectation, observed: Observed): Judgement {
  const safety: string[] = [];
  const liveness: string[] = [];
  const unknown: string[] = [...observed.problems];

  if (observed.lockViolations === null) unknown.push('lock checker gave no answer');
  else if (expected.locks === 'safe' && observed.lockViolations > 0) safety.push(`${observed.lockViolations} lock violation(s), expected 0`);
  else if (expected.locks === 'unsafe' && observed.lockViolations === 0) safety.push('0 lock violations, expected some to be caught');

  if (observed.outOfOrderAccepted === null) unknown.push('fencing checker gave no answer');
  else if (observed.outOfOrderAccepted > 0) safety.push(`${observed.outOfOrderAccepted} out-of-order write(s) accepted, expected 0`);

  if (expected.staleRejected === 'some') {
    if (observed.staleRejected === null) unknown.push('no fenced writes were checked');
    else if (observed.staleRejected === 0) safety.push('0 stale writes rejected, expected some');
  }
  if (expected.lostUpdates !== undefined) {
    if (observed.lostUpdates === null) unknown.push('no unfenced writes were checked');
    else if (expected.lostUpdates === 'some' && observed.lostUpdates === 0) safety.push('0 lost updates in the unfenced control, expected some');
    else if (expected.lostUpdates === 'none' && observed.lostUpdates > 0) safety.push(`${observed.lostUpdates} lost update(s), expected 0`);
  }

  const live = expected.liveness;
  const seconds = observed.runMs / 1000;
  if (live.minAcquisitionsPerS !== undefined && observed.acquisitions < live.minAcquisitionsPerS * seconds) {
    liveness.push(`${observed.acquisitions} acquisitions, expected at least ${Math.ceil(live.minAcquisitionsPerS * seconds)}`);
  }
  if (live.minAvailability !== undefined && (observed.availability ?? 0) < live.minAvailability) {
    liveness.push(`availability ${formatShare(observed.availability)}, expected at least ${formatShare(live.minAvailability)}`);
  }
  if (live.maxAcquireP50Ms !== undefined && observed.acquireP50Ms !== null && observed.acquireP50Ms > live.maxAcquireP50Ms) {
    liveness.push(`acquire p50 ${observed.acquireP50Ms.toFixed(1)} ms, expected at most ${live.maxAcquireP50Ms} ms`);
  }
  if (live.noAcquireDuring !== undefined && observed.acquiredDuringFault > 0) {
    liveness.push(`${observed.acquiredDuringFault} acquisition(s) during ${live.noAcquireDuring}, expected 0`);
  }
  if (live.recoverAfter !== undefined && live.recoverWithinMs !== undefined) {
    if (observed.unrecovered > 0) liveness.push(`${observed.unrecovered} heal(s) of ${live.recoverAfter} never recovered`);
    else if (observed.maxRecoveryMs !== null && observed.maxRecoveryMs > live.recoverWithinMs) {
      liveness.push(`recovery took ${observed.maxRecoveryMs.toFixed(0)} ms after heal, expected at most ${live.recoverWithinMs} ms`);
    }
  }
  if (observed.leftoverKeys === null) unknown.push('leftover-key check gave no answer');
  else if (observed.leftoverKeys > 0) liveness.push(`${observed.leftoverKeys} lock key(s) left beyond their TTL`);

  const safetyOk = safety.length === 0;
  const livenessOk = liveness.length === 0;
  const status: VerdictStatus = !safetyOk ? 'safety-mismatch' : unknown.length > 0 ? 'harness-crash' : !livenessOk ? 'liveness-mismatch' : 'pass';
  return { status, safetyOk, livenessOk, reasons: [...safety, ...unknown, ...liveness] };
}

/**
 * The process exit code for a run:
 * - 0: every scenario matched its expectation;
 * - 1: a safety mismatch (a violation where the spec says safe, a broken assumption or
 *   negative control not caught, or a fenced resource that accepted a write out of order);
 * - 3: a harness crash (a worker, nemesis or checker failed; nothing could be concluded);
 * - 2: a liveness mismatch (availability, recovery or leftover keys off the prediction).
 * When several happen, the most serious wins, in that order: 1, then 3, then 2.
 */
export function exitCodeFor(statuses: readonly VerdictStatus[]): 0 | 1 | 2 | 3 {
  if (statuses.includes('safety-mismatch')) return 1;
  if (statuses.includes('harness-crash')) return 3;
  if (statuses.includes('liveness-mismatch')) return 2;
  return 0;
}

export const EXIT_CODES = { pass: 0, safetyMismatch: 1, livenessMismatch: 2, harnessCrash: 3 } as const;

function formatShare(share: number | null): string {
  return share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`;
}
