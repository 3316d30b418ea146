import type { Expectation, GroupSpec } from '../scenarios/types.js';
import type { MeasuredEffect } from './evidence.js';

/** Violations an unsafe row must catch when the expectation does not say. */
export const DEFAULT_MIN_VIOLATIONS = 5;

// However short the row, a targeted group shows at least this many acquisitions: one
// could be the lucky first, two are a lock passed on under the fault.
const TARGETED_MIN_FLOOR = 2;

/** The counts the evidence rule reads, from a finished run or from one still going. */
export interface EvidenceCounts {
  /** Successful acquisitions per client group (index = group). */
  readonly acquisitionsByGroup: readonly number[];
  readonly effects: readonly MeasuredEffect[];
  /** Fault windows applied so far (timed, reactive and whole-run). */
  readonly faultWindows: number;
  /** Lock violations so far; null: not counted (the checker gave no answer). */
  readonly lockViolations: number | null;
}

/**
 * The acquisitions a group must make for the row to mean anything: its rate times the
 * row's evidence length (the run's duration, or the scenario's minRunMs), a fixed count.
 * A row that runs longer to find its evidence keeps the same minimum, so a slow machine
 * costs time, not the verdict. undefined: the group has no minimum.
 */
export function minAcquisitions(group: GroupSpec, evidenceRunMs: number): number | undefined {
  if (group.minAcquisitionsPerS === undefined) return undefined;
  return Math.max(TARGETED_MIN_FLOOR, Math.ceil((group.minAcquisitionsPerS * evidenceRunMs) / 1000));
}

/**
 * What the run still lacks to be evidence (empty: it has it): a targeted group below its
 * minimum, an expected effect not measured, no fault injected where effects are
 * expected, or an unsafe row below its violations. The judge reads these as `no-evidence`
 * at the end; the runner reads them while the workers run and stops only once there are
 * none (or at the row's bound). Pure.
 */
export function evidenceGaps(expected: Expectation, groups: readonly GroupSpec[], evidenceRunMs: number, counts: EvidenceCounts): string[] {
  const gaps: string[] = [];
  groups.forEach((group, index) => {
    const wanted = minAcquisitions(group, evidenceRunMs);
    if (wanted === undefined) return;
    const got = counts.acquisitionsByGroup[index] ?? 0;
    if (got < wanted) gaps.push(`group ${index} (the targeted one) made ${got} acquisitions, expected at least ${wanted}`);
  });
  for (const effect of counts.effects) {
    if (!effect.ok) gaps.push(`effect not observed: ${effect.what} = ${effect.value === null ? 'n/a' : round(effect.value)}, expected at least ${effect.min}`);
  }
  if (counts.faultWindows === 0 && (expected.effects?.length ?? 0) > 0) gaps.push('no fault was injected');
  if (expected.locks === 'unsafe' && counts.lockViolations !== null) {
    const wanted = expected.minViolations ?? DEFAULT_MIN_VIOLATIONS;
    if (counts.lockViolations < wanted) gaps.push(`${counts.lockViolations} lock violation(s) by the bound, expected at least ${wanted}`);
  }
  return gaps;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
