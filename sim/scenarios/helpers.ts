import { asymmetricPartition } from '../nemesis/index.js';
import type { Random } from '../random.js';
import type { RangeMs } from '../workload/worker-config.js';
import type { ScheduleSpec } from './schedule.js';
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

/**
 * The two contending groups of Kleppmann's layout, plus a third group on its own
 * resources that reaches every node (the bulk of the acquisitions). Holders of groups 0
 * and 1 keep the lock for a good part of the TTL (inside their validity), so a fault on
 * the arbiter lands while locks are held.
 */
export function kleppmannGroups(holdMs: RangeMs): GroupSpec[] {
  return [
    { variant: 'correct', fenced: true, pool: 'k', poolSize: KLEPPMANN_POOL_SIZE, holdMs, thinkMs: [0, 5] },
    { variant: 'correct', fenced: true, pool: 'k', poolSize: KLEPPMANN_POOL_SIZE, holdMs, thinkMs: [0, 5] },
    { variant: 'correct', fenced: true, pool: 'r', workerShare: 2 },
  ];
}

/** Indexes 0..count-1: every worker a nemesis was offered. */
export function allOf(count: number): number[] {
  return Array.from({ length: Math.max(1, count) }, (_unused, index) => index);
}
