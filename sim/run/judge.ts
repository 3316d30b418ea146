import type { RegisterKind } from '../history/types.js';
import type { Expectation, GroupSpec } from '../scenarios/types.js';
import { evidenceGaps } from './evidence-rule.js';
import type { DetectionPower, GroupLatency, MeasuredEffect } from './evidence.js';

/** One register's answers, reduced to counts (null: its checker could not tell). */
export interface RegisterObserved {
  readonly register: RegisterKind;
  readonly valid: boolean | null;
  readonly accepted: number | null;
  readonly lostUpdates: number | null;
  readonly staleAccepted: number | null;
  readonly rejected: Readonly<Record<'validity-ended' | 'regression-victim' | 'superseded' | 'total', number>> | null;
  readonly lateWrites: number | null;
  readonly anomalies: readonly string[];
}

/** What a scenario run showed, reduced to the numbers the expectation is about. */
export interface Observed {
  /** Workload length in ms (for rates): what really ran, also when it stopped early or ran on to its evidence. */
  readonly runMs: number;
  /**
   * The row's evidence length: the run's duration (or the scenario's minRunMs) that the
   * per-group minimums are scaled to, however long the row then ran. @default runMs
   */
  readonly evidenceRunMs?: number;
  readonly faultWindows: number;
  readonly attempts: number;
  readonly acquisitions: number;
  /** Successful acquisitions per client group. */
  readonly acquisitionsByGroup: readonly number[];
  /** acquisitions / attempts; null when there were no attempts. */
  readonly availability: number | null;
  readonly acquireP50Ms: number | null;
  readonly acquireP99Ms: number | null;
  /** Acquire latency per client group, successes and failures apart, inside and outside fault windows. */
  readonly latencyByGroup: readonly GroupLatency[];
  /** null: the checker could not tell (it crashed). */
  readonly lockViolations: number | null;
  /** Acquires whose outcome is unknown (possibly held until their TTL). */
  readonly possibleHolds: number | null;
  /** Violations that began in the first half of the older holder's validity. */
  readonly violationsInFirstHalf: number;
  /** Acquisitions whose token is not above an earlier-completed one's; null: unknown. */
  readonly tokenRegressions: number | null;
  /** Every register written in the run: the Kleppmann register and the controls. */
  readonly registers: readonly RegisterObserved[];
  readonly effects: readonly MeasuredEffect[];
  /** Unsafe rows: faults injected and faults followed by a violation. */
  readonly detection: DetectionPower | null;
  /** Acquisitions invoked and completed inside a window of `noAcquireDuring`'s nemesis. */
  readonly acquiredDuringFault: number;
  /** The slowest recovery after a heal of `recoverAfter`'s nemesis; null if none recovered. */
  readonly maxRecoveryMs: number | null;
  /** Heals of `recoverAfter`'s nemesis not followed by any acquisition. */
  readonly unrecovered: number;
  /** Lock keys left beyond their TTL; null: unknown. */
  readonly leftoverKeys: number | null;
  /** Harness problems: a worker crashed or died early, a nemesis failed, a checker crashed. */
  readonly problems: readonly string[];
}

/**
 * PASS, or the kind of mismatch; the order of precedence is the exit code's.
 * `no-evidence`: the run did not show that the fault happened and mattered (too few
 * acquisitions of the targeted group, an effect not measured, too few violations on an
 * unsafe row), so it cannot pass.
 */
export type VerdictStatus = 'pass' | 'safety-mismatch' | 'liveness-mismatch' | 'no-evidence' | 'harness-crash';

export interface Judgement {
  readonly status: VerdictStatus;
  readonly safetyOk: boolean;
  readonly livenessOk: boolean;
  /** Why it failed, one line each (empty on pass). */
  readonly reasons: readonly string[];
}

export { DEFAULT_MIN_VIOLATIONS } from './evidence-rule.js';

/**
 * Expected vs observed. Safety first: lock violations where the spec says safe, none
 * where it says unsafe (the checker would be blind), a token regression where tokens must
 * be ordered, any lost update or stale write accepted by the Kleppmann register, or a
 * negative control that was not caught, is a safety mismatch. Then evidence, then
 * liveness. A harness problem with no safety finding is a crash: nothing can be
 * concluded from a broken run.
 */
export function judge(expected: Expectation, observed: Observed, groups: readonly GroupSpec[] = []): Judgement {
  const safety: string[] = [];
  const evidence: string[] = [];
  const liveness: string[] = [];
  const unknown: string[] = [...observed.problems];
  const seconds = observed.runMs / 1000;

  if (observed.lockViolations === null) unknown.push('lock checker gave no answer');
  else if (expected.locks === 'safe' && observed.lockViolations > 0) safety.push(`${observed.lockViolations} lock violation(s), expected 0`);
  else if (expected.locks === 'unsafe') {
    if (observed.lockViolations === 0) safety.push('0 lock violations, expected some to be caught');
  }
  if (expected.violationsInLastHalf === true && observed.violationsInFirstHalf > 0) {
    safety.push(`${observed.violationsInFirstHalf} violation(s) began in the first half of a validity window, expected only in the last half`);
  }

  if (observed.tokenRegressions === null) unknown.push('token-order checker gave no answer');
  else if ((expected.tokens ?? 'ordered') === 'ordered' && observed.tokenRegressions > 0) {
    safety.push(`${observed.tokenRegressions} token regression(s), expected 0`);
  }

  for (const register of observed.registers) {
    if (register.valid === null) {
      unknown.push(`${register.register} register checker gave no answer`);
      continue;
    }
    if (register.register === 'kleppmann') {
      if (!register.valid) safety.push(`the Kleppmann register: ${register.lostUpdates} lost update(s), ${register.staleAccepted} stale write(s) accepted, expected 0`);
      if (expected.staleRejected === 'some' && (register.rejected?.total ?? 0) === 0) safety.push('0 stale writes rejected by the Kleppmann register, expected some');
    } else if ((expected.controlsCaught ?? []).includes(register.register) && register.valid) {
      safety.push(`the ${register.register} control register showed no anomaly: the negative control was not caught`);
    }
  }
  if (expected.staleRejected === 'some' && !observed.registers.some((r) => r.register === 'kleppmann')) unknown.push('no Kleppmann register was written');
  for (const kind of expected.controlsCaught ?? []) {
    if (!observed.registers.some((r) => r.register === kind)) unknown.push(`the ${kind} control register was not written`);
  }

  // A row with 0 violations where the spec says unsafe is a safety finding above, not a lack of evidence.
  const counted = expected.locks === 'unsafe' && observed.lockViolations === 0 ? null : observed.lockViolations;
  evidence.push(...evidenceGaps(expected, groups, observed.evidenceRunMs ?? observed.runMs, { ...observed, lockViolations: counted }));
  const live = expected.liveness;
  if (live.minAcquisitionsPerS !== undefined && observed.acquisitions < live.minAcquisitionsPerS * seconds) {
    liveness.push(`${observed.acquisitions} acquisitions, expected at least ${Math.ceil(live.minAcquisitionsPerS * seconds)}`);
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
  const status: VerdictStatus = !safetyOk
    ? 'safety-mismatch'
    : unknown.length > 0
      ? 'harness-crash'
      : evidence.length > 0
        ? 'no-evidence'
        : !livenessOk
          ? 'liveness-mismatch'
          : 'pass';
  return { status, safetyOk, livenessOk, reasons: [...safety, ...unknown, ...evidence, ...liveness] };
}

/**
 * The process exit code for a run:
 * - 0: every scenario matched its expectation;
 * - 1: a safety mismatch (a violation where the spec says safe, a broken assumption or
 *   negative control not caught, a token regression, or a Kleppmann register that lost
 *   an update or accepted a stale write);
 * - 3: nothing could be concluded: a harness crash (a worker, nemesis or checker failed;
 *   the lab could not start) or a row without evidence (the fault did not show);
 * - 2: a liveness mismatch (availability, recovery or leftover keys off the prediction).
 * When several happen, the most serious wins, in that order: 1, then 3, then 2.
 */
export function exitCodeFor(statuses: readonly VerdictStatus[]): 0 | 1 | 2 | 3 {
  if (statuses.includes('safety-mismatch')) return 1;
  if (statuses.includes('harness-crash') || statuses.includes('no-evidence')) return 3;
  if (statuses.includes('liveness-mismatch')) return 2;
  return 0;
}

export const EXIT_CODES = { pass: 0, safetyMismatch: 1, livenessMismatch: 2, harnessCrash: 3 } as const;

function formatShare(share: number | null): string {
  return share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`;
}
