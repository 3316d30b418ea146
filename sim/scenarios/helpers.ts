import { asymmetricPartition } from '../nemesis/index.js';
import type { Random } from '../random.js';
import type { RangeMs } from '../workload/worker-config.js';
import type { ReactiveSpec, ScheduleSpec } from './schedule.js';
import { WHOLE_RUN } from './schedule.js';
import type { GroupSpec, ScenarioParams, ScheduledNemesis } from './types.js';

/**
 * Repeated fault windows scaled to the run: the first starts in the first 10-20% of the
 * run, each lasts `durationMs`, the next starts `gapMs` after the heal, and `tailMs`
 * (default one TTL and a half) stays quiet at the end so recovery is observed.
 */
export function repeated(params: ScenarioParams, durationMs: RangeMs, gapMs: RangeMs, options: { tailMs?: number; maxWindows?: number } = {}): ScheduleSpec {
  return {
    firstStartMs: [Math.round(params.runMs * 0.1), Math.round(params.runMs * 0.2)],
    durationMs,
    gapMs,
    tailMs: options.tailMs ?? Math.round(1.5 * params.ttlMs),
    maxWindows: options.maxWindows ?? 100,
  };
}

/** `count` distinct node indexes out of `nodes`, seeded. */
export function pickNodes(random: Random, nodes: number, count: number): number[] {
  const all = Array.from({ length: nodes }, (_unused, index) => index);
  for (let index = all.length - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    [all[index], all[other]] = [all[other] as number, all[index] as number];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

/** The node both groups of Kleppmann's layout share: the middle one. */
export function arbiterNode(params: ScenarioParams): number {
  return Math.floor(params.nodes / 2);
}

/**
 * Kleppmann's layout, on for the whole run: group 0 reaches nodes 0..m, group 1 reaches
 * m..N-1 (m the middle node), so with 5 nodes every holder has exactly 3 keys and node 2
 * arbitrates. A fault that makes node 2 forget a key lets the other group take the lock.
 */
export function kleppmannLayout(params: ScenarioParams): ScheduledNemesis {
  const middle = arbiterNode(params);
  const low = Array.from({ length: middle + 1 }, (_unused, index) => index);
  const high = Array.from({ length: params.nodes - middle }, (_unused, index) => middle + index);
  return { nemesis: asymmetricPartition({ reach: [low, high] }), schedule: WHOLE_RUN };
}

// Kleppmann's groups contend hard on a few resources, so that a lock the arbiter forgets
// is retaken by the other group at once.
const KLEPPMANN_POOL_SIZE = 3;
// The evidence rule for the targeted groups: each makes at least this many acquisitions
// per second of run (they hold for hundreds of ms, so a few per second is what they can).
export const TARGETED_MIN_ACQUISITIONS_PER_S = 1;

/**
 * The two contending groups of Kleppmann's layout, plus a third group on its own
 * resources that reaches every node (the bulk of the acquisitions). Holders of groups 0
 * and 1 keep the lock for a good part of the TTL (inside their validity), so a fault on
 * the arbiter lands while locks are held; they tell the runner when they hold and wait
 * (for reactive faults) and also write the control registers, so the negative controls
 * see exactly the holders the fault targets.
 */
export function kleppmannGroups(holdMs: RangeMs, options: { controls?: boolean; minAcquisitionsPerS?: number; loops?: number } = {}): GroupSpec[] {
  const targeted = {
    variant: 'correct',
    fenced: true,
    pool: 'k',
    poolSize: KLEPPMANN_POOL_SIZE,
    ...(options.loops === undefined ? {} : { loops: options.loops }),
    holdMs,
    thinkMs: [0, 5],
    reportsHolds: true,
    controlRegisters: options.controls ?? false,
    minAcquisitionsPerS: options.minAcquisitionsPerS ?? TARGETED_MIN_ACQUISITIONS_PER_S,
  } as const;
  return [targeted, targeted, { variant: 'correct', fenced: true, pool: 'r', workerShare: 2 }];
}

/**
 * Strike while a holder of group 0 or 1 (3 keys, one on the arbiter) is inside its
 * critical section with `minRemainingMs` of validity left and the other group waits for
 * the same resource: the moment the fault can break the lock, not a timer's guess.
 */
export function whileHeld(params: ScenarioParams, options: { holderGroups?: readonly number[]; minRemainingMs?: number; durationMs?: RangeMs; gapMs?: RangeMs } = {}): ReactiveSpec {
  return {
    kind: 'reactive',
    holderGroups: options.holderGroups ?? [0, 1],
    minHeldMs: 10,
    minRemainingMs: options.minRemainingMs ?? Math.round(0.3 * params.ttlMs),
    durationMs: options.durationMs ?? [50, 100],
    gapMs: options.gapMs ?? [Math.round(0.2 * params.ttlMs), Math.round(0.4 * params.ttlMs)],
    tailMs: 300,
    maxFaults: 200,
  };
}

/** Indexes 0..count-1: every worker a nemesis was offered. */
export function allOf(count: number): number[] {
  return Array.from({ length: Math.max(1, count) }, (_unused, index) => index);
}
