import type { VerdictRow } from '../report/index.js';
import type { Expectation } from '../scenarios/types.js';
import { DEFAULT_MIN_VIOLATIONS } from './judge.js';
import type { ScenarioResult } from './run-scenario.js';

/** The spec's prediction in words, for the verdict table's "expected" column. */
export function describeExpected(expected: Expectation): string {
  const parts = [expected.locks === 'safe' ? '0 violations' : `>= ${expected.minViolations ?? DEFAULT_MIN_VIOLATIONS} violations caught`];
  parts.push((expected.tokens ?? 'ordered') === 'ordered' ? '0 token regressions' : 'token regressions reported');
  parts.push('Kleppmann register: 0 lost updates, 0 stale accepted');
  if (expected.staleRejected === 'some') parts.push('stale writes rejected');
  if ((expected.controlsCaught ?? []).length > 0) parts.push(`control register(s) ${(expected.controlsCaught ?? []).join(', ')} caught`);
  if (expected.violationsInLastHalf === true) parts.push('violations only in the last half of validity');
  for (const effect of expected.effects ?? []) {
    if (effect.kind === 'measured') parts.push(effect.what);
    else if (effect.kind === 'validity-failures') parts.push('acquisitions fail for lack of validity');
    else if (effect.kind === 'unreachable-during') parts.push(`${effect.node === undefined ? 'nodes' : `node ${effect.node}`} unavailable during ${effect.fault}`);
    else if (effect.kind === 'acquired-during') {
      const faster = effect.maxMs === undefined ? '' : ` in under ${effect.maxMs} ms`;
      parts.push(`>= ${effect.min ?? 1} acquisitions${faster} during ${effect.fault}`);
    } else parts.push(`acquire p50 during ${effect.fault} >= ${effect.min}x outside`);
  }
  const live = expected.liveness;
  if (live.noAcquireDuring !== undefined) parts.push(`no acquisition during ${live.noAcquireDuring}`);
  if (live.recoverWithinMs !== undefined) parts.push(`recovers within ${live.recoverWithinMs} ms`);
  if (live.maxAcquireP50Ms !== undefined) parts.push(`acquire p50 <= ${live.maxAcquireP50Ms} ms`);
  if (live.minAcquisitionsPerS !== undefined) parts.push(`>= ${live.minAcquisitionsPerS} acquisitions/s`);
  return parts.join('; ');
}

/** What the run showed, in the same words, plus the judge's reasons when it failed. */
export function describeObserved(result: ScenarioResult): string {
  const o = result.observed;
  const count = (value: number | null): string => (value === null ? '?' : String(value));
  const parts = [`${count(o.lockViolations)} violations`, `${count(o.tokenRegressions)} token regressions`];
  for (const register of o.registers) {
    const rejected = register.rejected;
    const why = rejected === null || rejected.total === 0 ? '' : ` (${rejected['validity-ended']} validity ended, ${rejected['regression-victim']} regression victims, ${rejected.superseded} superseded)`;
    parts.push(
      `${register.register} register: ${count(register.lostUpdates)} lost updates, ${count(register.staleAccepted)} stale accepted, ${count(rejected?.total ?? null)} rejected${why}`,
    );
  }
  if (o.detection !== null) parts.push(`${o.detection.productive} of ${o.detection.faults} faults produced a violation`);
  for (const effect of o.effects) parts.push(`${effect.what}: ${effect.value === null ? 'n/a' : Number.isInteger(effect.value) ? effect.value : effect.value.toFixed(2)}`);
  if ((o.possibleHolds ?? 0) > 0) parts.push(`${o.possibleHolds} acquires of unknown outcome (possibly held until their TTL)`);
  if (result.judgement.reasons.length > 0 || o.acquiredDuringFault > 0) parts.push(`${o.acquiredDuringFault} acquired during fault`);
  if (o.maxRecoveryMs !== null) parts.push(`recovered in ${Math.round(o.maxRecoveryMs)} ms`);
  parts.push(`${o.faultWindows} fault windows`);
  parts.push(`${(result.runMs / 1000).toFixed(1)} s of workload${result.stoppedEarly ? ' (stopped once it had its evidence)' : ' (reached its bound)'}`);
  parts.push(...result.notes);
  const observed = parts.join('; ');
  return result.judgement.status === 'pass' ? observed : `${observed}. ${result.judgement.status}: ${result.judgement.reasons.join('; ')}`;
}

/** The negative-control registers in a few words: "write-check: lost-update; none: lost-update, stale-write-accepted". */
function describeControls(result: ScenarioResult): string | null {
  const controls = result.observed.registers.filter((r) => r.register !== 'kleppmann');
  if (controls.length === 0) return null;
  return controls
    .map((r) => `${r.register}: ${r.valid === null ? 'unknown' : r.valid ? 'NOT caught' : `caught (${r.anomalies.join(', ')})`}`)
    .join('; ');
}

/** One row of the verdict table. */
export function toVerdictRow(result: ScenarioResult): VerdictRow {
  const o = result.observed;
  const kleppmann = o.registers.find((r) => r.register === 'kleppmann');
  const fenced = result.scenario.groups.some((group) => group.fenced);
  const targetedGroups = result.scenario.groups.flatMap((group, index) => (group.minAcquisitionsPerS === undefined ? [] : [index]));
  const rejected = kleppmann?.rejected ?? null;
  return {
    scenario: result.scenario.id,
    faults: result.scenario.fault,
    acquisitions: o.acquisitions,
    acquisitionsByGroup: o.acquisitionsByGroup,
    ...(targetedGroups.length > 0 ? { targetedGroups } : {}),
    lockViolations: o.lockViolations ?? 'unknown',
    tokenRegressions: fenced ? (o.tokenRegressions ?? 'unknown') : null,
    lostUpdates: kleppmann === undefined ? null : (kleppmann.lostUpdates ?? 'unknown'),
    staleWritesAccepted: kleppmann === undefined ? null : (kleppmann.staleAccepted ?? 'unknown'),
    staleWritesRejected: kleppmann === undefined ? null : (rejected?.total ?? 'unknown'),
    ...(rejected === null
      ? {}
      : { rejectedByCause: { validityEnded: rejected['validity-ended'], regressionVictim: rejected['regression-victim'], superseded: rejected.superseded } }),
    controls: describeControls(result),
    detection: o.detection,
    availability: o.availability,
    acquireLatencyP50Ms: o.acquireP50Ms,
    acquireLatencyP99Ms: o.acquireP99Ms,
    expected: describeExpected(result.expected),
    observed: describeObserved(result),
    pass: result.judgement.status === 'pass',
    ...(result.notes.length > 0 ? { notes: result.notes } : {}),
  };
}
