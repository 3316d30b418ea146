import type { VerdictRow } from '../report/index.js';
import type { Expectation } from '../scenarios/types.js';
import type { ScenarioResult } from './run-scenario.js';

/** The spec's prediction in words, for the verdict table's "expected" column. */
export function describeExpected(expected: Expectation): string {
  const parts = [expected.locks === 'safe' ? '0 violations' : 'violations caught', '0 out-of-order accepted'];
  if (expected.staleRejected === 'some') parts.push('stale writes rejected');
  if (expected.lostUpdates === 'some') parts.push('unfenced control loses updates');
  if (expected.lostUpdates === 'none') parts.push('no lost updates');
  const live = expected.liveness;
  if (live.noAcquireDuring !== undefined) parts.push(`no acquisition during ${live.noAcquireDuring}`);
  if (live.recoverWithinMs !== undefined) parts.push(`recovers within ${live.recoverWithinMs} ms`);
  if (live.minAvailability !== undefined) parts.push(`available >= ${Math.round(live.minAvailability * 100)}%`);
  if (live.maxAcquireP50Ms !== undefined) parts.push(`acquire p50 <= ${live.maxAcquireP50Ms} ms`);
  if (live.minAcquisitionsPerS !== undefined) parts.push(`>= ${live.minAcquisitionsPerS} acquisitions/s`);
  return parts.join('; ');
}

/** What the run showed, in the same words, plus the judge's reasons when it failed. */
export function describeObserved(result: ScenarioResult): string {
  const o = result.observed;
  const count = (value: number | null): string => (value === null ? '?' : String(value));
  const parts = [`${count(o.lockViolations)} violations`, `${count(o.outOfOrderAccepted)} out-of-order accepted`];
  if (o.staleRejected !== null && o.staleRejected > 0) parts.push(`${o.staleRejected} stale rejected`);
  if (o.lostUpdates !== null) parts.push(`${o.lostUpdates} lost updates`);
  if (result.judgement.reasons.length > 0 || o.acquiredDuringFault > 0) parts.push(`${o.acquiredDuringFault} acquired during fault`);
  if (o.maxRecoveryMs !== null) parts.push(`recovered in ${Math.round(o.maxRecoveryMs)} ms`);
  parts.push(`${o.faultWindows} fault windows`);
  parts.push(...result.notes);
  const observed = parts.join('; ');
  return result.judgement.status === 'pass' ? observed : `${observed}. ${result.judgement.status}: ${result.judgement.reasons.join('; ')}`;
}

/** One row of the verdict table. */
export function toVerdictRow(result: ScenarioResult): VerdictRow {
  const o = result.observed;
  const fenced = result.scenario.groups.some((group) => group.fenced);
  return {
    scenario: result.scenario.id,
    faults: result.scenario.fault,
    acquisitions: o.acquisitions,
    lockViolations: o.lockViolations ?? 'unknown',
    outOfOrderAccepted: fenced ? (o.outOfOrderAccepted ?? 'unknown') : null,
    staleWritesRejected: fenced ? (o.staleRejected ?? 'unknown') : null,
    availability: o.availability,
    acquireLatencyP50Ms: o.acquireP50Ms,
    acquireLatencyP99Ms: o.acquireP99Ms,
    expected: describeExpected(result.expected),
    observed: describeObserved(result),
    pass: result.judgement.status === 'pass',
    ...(result.notes.length > 0 ? { notes: result.notes } : {}),
  };
}
