import type { Nemesis } from '../nemesis/index.js';
import type { Random } from '../random.js';
import type { RegisterKind } from '../history/types.js';
import type { ClientVariant, RangeMs } from '../workload/worker-config.js';
import type { ReactiveSpec, ScheduleSpec, WHOLE_RUN } from './schedule.js';

/** A nemesis and when it strikes: seeded windows, on for the whole run, or in reaction to the holders. */
export interface ScheduledNemesis {
  readonly nemesis: Nemesis;
  readonly schedule: ScheduleSpec | typeof WHOLE_RUN | ReactiveSpec;
  /** Only these client groups' workers are offered to the nemesis (client pauses). @default all */
  readonly workerGroups?: readonly number[];
}

export type { Nemesis, NemesisContext } from '../nemesis/index.js';

/** One client group: its own proxies, client variant and fencing mode. */
export interface GroupSpec {
  readonly variant: ClientVariant;
  /** Whether the library hands out fencing tokens. */
  readonly fenced: boolean;
  /** The register its critical sections increment. @default 'kleppmann' when fenced, else 'none' */
  readonly register?: RegisterKind;
  /**
   * Also increment the control registers (`write-check` and `none`) in the same critical
   * section, so the negative controls see exactly these holders. @default false
   */
  readonly controlRegisters?: boolean;
  /** Tell the runner about waits and holds, for reactive faults. @default false */
  readonly reportsHolds?: boolean;
  /**
   * Evidence: the fewest successful acquisitions per second of run this group must make
   * for the row to mean anything (the group a fault targets). @default none
   */
  readonly minAcquisitionsPerS?: number;
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
  /** The library's retries per acquire, when an attempt's own outcome is the evidence. @default the run's */
  readonly retryCount?: number;
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
  /**
   * The fencing guarantee: 'ordered' (0 token regressions, the default), or
   * 'may-regress' where the spec says a crash without persistence can lose the counter
   * (regressions are then reported, not failed).
   */
  readonly tokens?: 'ordered' | 'may-regress';
  /** The Kleppmann register must see stale writes rejected (the fence did its job). */
  readonly staleRejected?: 'some';
  /**
   * The control registers that must show an anomaly (the negative controls caught).
   * `write-check` loses an update only when two holders overlap with tokens in
   * acquisition order; where tokens regress (a crash without persistence) the would-be
   * lost update becomes a rejected write of the regression victim, so those rows ask
   * only for `none`. @default none
   */
  readonly controlsCaught?: readonly RegisterKind[];
  /** Unsafe rows: lock violations wanted before the run may stop (at its bound it stops anyway). @default 5 */
  readonly minViolations?: number;
  /** clock-jump-partial: violations may only begin in the last half of the older holder's validity. */
  readonly violationsInLastHalf?: boolean;
  /** The fault's effects that must be measured for the row to pass (see sim/run/evidence.ts). */
  readonly effects?: readonly EffectExpectation[];
  readonly liveness: LivenessExpectation;
}

/**
 * A measured effect of the fault, judged > 0 (or >= min):
 * - `unreachable-during`: acquisitions inside the fault's windows that saw a node fail or time out;
 * - `measured`: the sum of a number the nemesis measured (`FaultEvent.measured[key]`);
 * - `validity-failures`: acquisitions that reached a quorum too late (no validity left);
 * - `slower-during`: acquire p50 inside the fault's windows over p50 outside (a ratio; min is the ratio);
 * - `acquired-during`: successful acquisitions invoked inside the fault's windows (service
 *   went on), and with `maxMs`, only those that took less than it (a quorum that decided
 *   without waiting for the slowed nodes).
 */
export type EffectExpectation =
  | { readonly kind: 'unreachable-during'; readonly fault: string; readonly node?: number; readonly min?: number }
  | { readonly kind: 'measured'; readonly fault: string; readonly key: string; readonly min?: number; readonly what: string }
  | { readonly kind: 'validity-failures'; readonly min?: number }
  | { readonly kind: 'slower-during'; readonly fault: string; readonly min: number }
  | { readonly kind: 'acquired-during'; readonly fault: string; readonly maxMs?: number; readonly min?: number };

export interface LivenessExpectation {
  /** Successful acquisitions per second of run, at least. @default 0 */
  readonly minAcquisitionsPerS?: number;
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
  /**
   * The least workload this scenario needs (e.g. to restart every node in turn), ms; it is
   * also the row's evidence length. @default the run's duration
   */
  minRunMs?(params: Pick<ScenarioParams, 'ttlMs' | 'nodes'>): number;
  /** The fault whose injections detection power counts (unsafe rows). */
  readonly targetFault?: string;
  /** The faults; `random` (the scenario's own stream) picks nodes and magnitudes. */
  nemeses(params: ScenarioParams, random: Random): ScheduledNemesis[];
  expected(params: ScenarioParams): Expectation;
}
