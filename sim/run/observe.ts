import {
  checkAvailability,
  checkLeftoverKeys,
  checkMutex,
  checkRegister,
  checkTokenOrder,
  runChecker,
  type CheckResult,
  type KeySnapshotEntry,
  type RegisterDetails,
} from '../checker/index.js';
import type { HistoryEvent, RegisterKind } from '../history/types.js';
import type { Expectation, LivenessExpectation } from '../scenarios/types.js';
import { acquisitionsByGroup, detectionPower, latencyByGroup, measureEffects, violationsInFirstHalf } from './evidence.js';
import type { AppliedWindow } from './fault-timeline.js';
import type { Observed, RegisterObserved } from './judge.js';
import { acquiredDuring, recoveryTimes } from './liveness.js';

/** Which groups write one register, and its final counter summed over their resources. */
export interface RegisterInput {
  readonly register: RegisterKind;
  readonly groups: ReadonlySet<number>;
  /** The register's counters after the run, summed; undefined when they could not be read. */
  readonly finalCounter: number | undefined;
}

/** What the checkers need to know about one run. */
export interface ObserveInput {
  readonly history: readonly HistoryEvent[];
  readonly groupCount: number;
  readonly registers: readonly RegisterInput[];
  readonly snapshot: readonly KeySnapshotEntry[] | undefined;
  readonly ttlMs: number;
  readonly runMs: number;
  readonly applied: readonly AppliedWindow[];
  readonly expected: Expectation;
  /** The fault whose injections detection power counts. */
  readonly targetFault: string | undefined;
  readonly problems: readonly string[];
}

// Every violation is kept for detection power; the report lists far fewer.
const VIOLATIONS_KEPT_MAX = 100_000;

/**
 * Runs every checker (each through runChecker, so a crash reads as unknown, never as a
 * pass) and reduces their answers to the numbers the judge compares.
 */
export function observe(input: ObserveInput): { checks: CheckResult[]; observed: Observed } {
  const { history, expected } = input;
  const ofGroups = (groups: ReadonlySet<number>): HistoryEvent[] => history.filter((event) => event.kind === 'fault' || groups.has(event.group));

  const mutex = runChecker('mutex', () => checkMutex(history, { maxViolationsListed: VIOLATIONS_KEPT_MAX }));
  const tokens = runChecker('token-order', () => checkTokenOrder(history));
  const registerChecks = input.registers.map((spec) => ({
    spec,
    check: runChecker(`register (${spec.register})`, () =>
      checkRegister(ofGroups(spec.groups), { register: spec.register, ...(spec.finalCounter === undefined ? {} : { finalCounter: spec.finalCounter }) }),
    ),
  }));
  const availability = runChecker('availability', () => checkAvailability(history));
  const leftover = input.snapshot === undefined ? undefined : runChecker('leftover keys', () => checkLeftoverKeys(input.snapshot ?? [], { maxTtlMs: input.ttlMs }));

  const checks: CheckResult[] = [mutex, tokens, ...registerChecks.map((r) => r.check), availability, ...(leftover ? [leftover] : [])];

  const live: LivenessExpectation = expected.liveness;
  const during = live.noAcquireDuring === undefined ? [] : input.applied.filter((w) => w.name === live.noAcquireDuring);
  const recoveries = live.recoverAfter === undefined ? [] : recoveryTimes(history, input.applied.filter((w) => w.name === live.recoverAfter));
  const recovered = recoveries.filter((ms): ms is number => ms !== null);
  const avail = availability.valid === 'unknown' ? undefined : availability.details;
  const violations = mutex.valid === 'unknown' ? [] : mutex.details.violations;
  const registers: RegisterObserved[] = registerChecks.map(({ spec, check }) => registerObserved(spec.register, check));

  const observed: Observed = {
    runMs: input.runMs,
    faultWindows: input.applied.length,
    attempts: avail?.attempts ?? 0,
    acquisitions: avail?.acquisitions ?? 0,
    acquisitionsByGroup: acquisitionsByGroup(history, input.groupCount),
    availability: avail?.availability ?? null,
    acquireP50Ms: avail?.acquireLatencyP50Ms ?? null,
    acquireP99Ms: avail?.acquireLatencyP99Ms ?? null,
    latencyByGroup: latencyByGroup(history, input.applied, input.groupCount),
    lockViolations: mutex.valid === 'unknown' ? null : mutex.details.violationCount,
    possibleHolds: mutex.valid === 'unknown' ? null : mutex.details.possibleHoldCount,
    violationsInFirstHalf: violationsInFirstHalf(violations),
    tokenRegressions: tokens.valid === 'unknown' ? null : tokens.details.regressionCount,
    registers,
    effects: measureEffects(expected.effects ?? [], history, input.applied),
    detection:
      input.targetFault === undefined
        ? null
        : detectionPower(violations, input.applied.filter((w) => w.name === input.targetFault), 2 * input.ttlMs),
    acquiredDuringFault: acquiredDuring(history, during),
    maxRecoveryMs: recovered.length === 0 ? null : Math.max(...recovered),
    unrecovered: recoveries.length - recovered.length,
    leftoverKeys: leftover === undefined ? 0 : leftover.valid === 'unknown' ? null : leftover.details.leftovers.length,
    problems: [...input.problems, ...checks.filter((check) => check.valid === 'unknown').map((check) => `${check.name}: ${check.summary}`)],
  };
  return { checks, observed };
}

function registerObserved(register: RegisterKind, check: CheckResult<RegisterDetails>): RegisterObserved {
  if (check.valid === 'unknown') return { register, valid: null, accepted: null, lostUpdates: null, staleAccepted: null, rejected: null, lateWrites: null, anomalies: [] };
  const d = check.details;
  return {
    register,
    valid: check.valid,
    accepted: d.acceptedCount,
    lostUpdates: Math.max(d.lostUpdates, d.lostUpdatesByCounter ?? 0),
    staleAccepted: d.staleAccepted,
    rejected: d.rejected,
    lateWrites: d.lateWrites,
    anomalies: d.anomalies,
  };
}
