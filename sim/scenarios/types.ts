import type { Nemesis } from '../nemesis/index.js';
import type { Random } from '../random.js';
import type { ClientVariant, RangeMs } from '../workload/worker-config.js';
import type { ScheduleSpec, WHOLE_RUN } from './schedule.js';

/** A nemesis and when it strikes: seeded windows, or on for the whole run. */
export interface ScheduledNemesis {
  readonly nemesis: Nemesis;
  readonly schedule: ScheduleSpec | typeof WHOLE_RUN;
  /** Only these client groups' workers are offered to the nemesis (client pauses). @default all */
  readonly workerGroups?: readonly number[];
}

export type { Nemesis, NemesisContext } from '../nemesis/index.js';

/** One client group: its own proxies, client variant and fencing mode. */
export interface GroupSpec {
  readonly variant: ClientVariant;
  readonly fenced: boolean;
  /** Concurrent lock loops per worker process of this group (1 to 64). @default the run's loops */
  readonly loops?: number;
  /** This group's share of the run's workers (at least one worker each). @default 1 */
  readonly workerShare?: number;
  /** Groups with the same pool contend on the same resources. @default 'r' */
  readonly pool?: string;
  /** Resources in the pool, at most (groups sharing a pool give the same). @default the run's resources */
  readonly poolSize?: number;
  /** Critical-section length. @default the run's holdMs */
  readonly holdMs?: RangeMs;
  /** Think time between operations. @default the run's thinkMs */
  readonly thinkMs?: RangeMs;
  /** The library's per-node timeout, when the scenario needs it above its latency. @default the run's */
  readonly nodeTimeoutMs?: number;
}

/** What the run's knobs are, for scenarios that scale their schedule to them. */
export interface ScenarioParams {
  readonly ttlMs: number;
  /** The workload's length. */
  readonly runMs: number;
  readonly nodes: number;
  /** Workers per client group, in group order. */
  readonly workersPerGroup: readonly number[];
}

/**
 * What the spec predicts. `locks`: 'safe' means 0 lock violations, 'unsafe' means the
 * lock checker must find violations (a broken assumption, or a negative control that
 * must be caught). Fenced resources must accept 0 out-of-order writes, always.
 */
export interface Expectation {
  readonly locks: 'safe' | 'unsafe';
  /** Fenced groups must see stale writes rejected (the fence did its job). */
  readonly staleRejected?: 'some';
  /** Unfenced groups: 'some' lost updates must be seen, or 'none'. */
  readonly lostUpdates?: 'some' | 'none';
  readonly liveness: LivenessExpectation;
}

export interface LivenessExpectation {
  /** Successful acquisitions per second of run, at least. @default 0 */
  readonly minAcquisitionsPerS?: number;
  /** Share of acquire attempts that succeed, at least (0 to 1). */
  readonly minAvailability?: number;
  /** No acquire invoked inside a window of this nemesis may succeed inside it. */
  readonly noAcquireDuring?: string;
  /** After each heal of this nemesis, an acquire succeeds within recoverWithinMs. */
  readonly recoverAfter?: string;
  readonly recoverWithinMs?: number;
  /** Acquire latency p50 at most this many ms. */
  readonly maxAcquireP50Ms?: number;
}

export interface Scenario {
  /** The FAULTS.md id, e.g. "partition-majority". */
  readonly id: string;
  /** The fault in a few words, for the verdict table. */
  readonly fault: string;
  /** Whether the fault stays within Redlock's assumptions. */
  readonly assumption: 'within' | 'breaks' | 'control';
  readonly description: string;
  readonly groups: readonly GroupSpec[];
  /** The faults; `random` (the scenario's own stream) picks nodes and magnitudes. */
  nemeses(params: ScenarioParams, random: Random): ScheduledNemesis[];
  expected(params: ScenarioParams): Expectation;
}
