import {
  checkAvailability,
  checkFencing,
  checkLeftoverKeys,
  checkMutex,
  runChecker,
  type CheckResult,
  type KeySnapshotEntry,
} from '../checker/index.js';
import type { HistoryEvent } from '../history/types.js';
import type { LivenessExpectation } from '../scenarios/types.js';
import type { AppliedWindow } from './fault-timeline.js';
import type { Observed } from './judge.js';
import { acquiredDuring, recoveryTimes } from './liveness.js';

/** What the checkers need to know about one run. */
export interface ObserveInput {
  readonly history: readonly HistoryEvent[];
  /** Which groups wrote with fencing. */
  readonly fencedGroups: ReadonlySet<number>;
  readonly unfencedGroups: ReadonlySet<number>;
  /** Sum of the final counters of the fenced / unfenced resources. */
  readonly finalCounterFenced: number;
  readonly finalCounterUnfenced: number;
  readonly snapshot: readonly KeySnapshotEntry[] | undefined;
  readonly ttlMs: number;
  readonly runMs: number;
  readonly applied: readonly AppliedWindow[];
  readonly liveness: LivenessExpectation;
  readonly problems: readonly string[];
}

/**
 * Runs every checker (each through runChecker, so a crash reads as unknown, never as a
 * pass) and reduces their answers to the numbers the judge compares.
 */
export function observe(input: ObserveInput): { checks: CheckResult[]; observed: Observed } {
  const { history } = input;
  const ofGroups = (groups: ReadonlySet<number>): HistoryEvent[] =>
    history.filter((event) => event.kind === 'fault' || groups.has(event.group));

  const mutex = runChecker('mutex', () => checkMutex(history));
  const fenced = input.fencedGroups.size > 0
    ? runChecker('fencing', () => checkFencing(ofGroups(input.fencedGroups), { fenced: true, finalCounter: input.finalCounterFenced }))
    : undefined;
  const unfenced = input.unfencedGroups.size > 0
    ? runChecker('fencing (unfenced control)', () => checkFencing(ofGroups(input.unfencedGroups), { fenced: false, finalCounter: input.finalCounterUnfenced }))
    : undefined;
  const availability = runChecker('availability', () => checkAvailability(history));
  const leftover = input.snapshot === undefined
    ? undefined
    : runChecker('leftover keys', () => checkLeftoverKeys(input.snapshot ?? [], { maxTtlMs: input.ttlMs }));

  const checks: CheckResult[] = [mutex, ...(fenced ? [fenced] : []), ...(unfenced ? [unfenced] : []), availability, ...(leftover ? [leftover] : [])];

  const live = input.liveness;
  const during = live.noAcquireDuring === undefined ? [] : input.applied.filter((w) => w.name === live.noAcquireDuring);
  const recoveries = live.recoverAfter === undefined ? [] : recoveryTimes(history, input.applied.filter((w) => w.name === live.recoverAfter));
  const recovered = recoveries.filter((ms): ms is number => ms !== null);
  const avail = availability.valid === 'unknown' ? undefined : availability.details;
  const fencedDetails = fenced && fenced.valid !== 'unknown' ? fenced.details : undefined;
  const unfencedDetails = unfenced && unfenced.valid !== 'unknown' ? unfenced.details : undefined;

  const observed: Observed = {
    runMs: input.runMs,
    faultWindows: input.applied.length,
    attempts: avail?.attempts ?? 0,
    acquisitions: avail?.acquisitions ?? 0,
    availability: avail?.availability ?? null,
    acquireP50Ms: avail?.acquireLatencyP50Ms ?? null,
    acquireP99Ms: avail?.acquireLatencyP99Ms ?? null,
    lockViolations: mutex.valid === 'unknown' ? null : mutex.details.violationCount,
    outOfOrderAccepted: fenced === undefined ? 0 : fencedDetails === undefined ? null : (fencedDetails.outOfOrderAccepted ?? 0),
    staleRejected: fencedDetails === undefined ? null : fencedDetails.staleRejected,
    lostUpdates: unfencedDetails === undefined ? null : Math.max(unfencedDetails.lostUpdates, unfencedDetails.lostUpdatesByCounter ?? 0),
    acquiredDuringFault: acquiredDuring(history, during),
    maxRecoveryMs: recovered.length === 0 ? null : Math.max(...recovered),
    unrecovered: recoveries.length - recovered.length,
    leftoverKeys: leftover === undefined ? 0 : leftover.valid === 'unknown' ? null : leftover.details.leftovers.length,
    problems: [
      ...input.problems,
      ...checks.filter((check) => check.valid === 'unknown').map((check) => `${check.name}: ${check.summary}`),
    ],
  };
  return { checks, observed };
}
