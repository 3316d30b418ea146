import type { LockClientLibrary } from '../workload/lock-client-library.js';
import type { RunSettings } from './worker-plan.js';

/** The knobs a person sets on the command line; everything else follows from them. */
export interface SettingsInput {
  readonly seed: number;
  /** Workload seconds per scenario. @default FULL_SETTINGS / SHORT_SETTINGS (1 to 600) */
  readonly durationS?: number;
  /** Worker processes per scenario. @default FULL_SETTINGS / SHORT_SETTINGS (1 to 64) */
  readonly workers?: number;
  /** Concurrent lock loops per worker process. @default FULL_SETTINGS / SHORT_SETTINGS (1 to 64) */
  readonly loops?: number;
  /** Resources per pool. @default FULL_SETTINGS / SHORT_SETTINGS (1 to 1000) */
  readonly resources?: number;
  /** Lock TTL in ms. @default 1000 (100 to 60_000) */
  readonly ttlMs?: number;
  /** Default critical-section length range, ms (0 to 60_000 each, min <= max). @default the preset's holdMs */
  readonly holdMs?: readonly [number, number];
  /** Default think time between operations, ms (0 to 60_000 each, min <= max). @default the preset's thinkMs */
  readonly thinkMs?: readonly [number, number];
  /** The CI version: short runs, fewer workers. @default false */
  readonly short?: boolean;
  /** The client library under the library-based lock clients. @default 'ioredis' */
  readonly client?: LockClientLibrary;
}

// The full run: 24 scenarios of at least 12 s each; 6 min 9 s on two cores (seed 1124,
// 2026-12-01, the README's run; every row stopped on its evidence after 12.0-28.4 s).
// What bounds the acquisitions is CPU (five lock nodes, Toxiproxy, the registers' Redis and
// the workers share two cores) and how much of each loop's time is spent sleeping: a lock
// loop is far cheaper than a process, so a few processes run many loops (4 x 8 on 32
// resources: 85 to 24,447 acquisitions per scenario in that run).
// The short run (CI) gives rows 2 s (scenarios that need more say so: minRunMs), with the
// same contention.
// Every row runs its duration, then on until it has its evidence (each targeted group at
// its minimum, each expected effect measured, each named prediction seen, and on unsafe
// rows 5 violations and their control registers) or reaches its bound (evidenceBoundS).
// The minimums are counts fixed by the duration, so a loaded machine makes a row longer,
// never a coin toss: holders that hold to the end of their validity pass a lock on about
// once a TTL per resource, so group 0 of clock-rate-x1.009 once made 1 acquisition (of 2
// wanted) in 3 s on a loaded machine; that row now runs on until it has its 2.
// The bound is far beyond what any row needed in CI (see sim-catalog.test.ts): reaching
// it is a finding, said in the row.
export const FULL_SETTINGS = { durationS: 12, workers: 4, loops: 8, resources: 32, holdMs: [2, 10], thinkMs: [0, 5], evidenceBoundS: 60 } as const;
export const SHORT_SETTINGS = { durationS: 2, workers: 4, loops: 4, resources: 16, holdMs: [2, 10], thinkMs: [0, 5], evidenceBoundS: 30 } as const;
const DEFAULT_TTL_MS = 1000;

/** The run's settings, every value checked against its range (RangeError names it). */
export function resolveSettings(input: SettingsInput): RunSettings {
  const base = input.short === true ? SHORT_SETTINGS : FULL_SETTINGS;
  const durationS = checkRange('duration', input.durationS ?? base.durationS, 1, 600, false);
  const workers = checkRange('workers', input.workers ?? base.workers, 1, 64, true);
  const loops = checkRange('loops', input.loops ?? base.loops, 1, 64, true);
  const resources = checkRange('resources', input.resources ?? base.resources, 1, 1000, true);
  const ttlMs = checkRange('ttl', input.ttlMs ?? DEFAULT_TTL_MS, 100, 60_000, true);
  return {
    seed: input.seed,
    runMs: Math.round(durationS * 1000),
    workers,
    loops,
    resources,
    ttlMs,
    driftFactor: 0.01,
    // Short critical sections and think times: many acquisitions, much contention.
    holdMs: checkRangeMs('holdMs', input.holdMs ?? base.holdMs),
    thinkMs: checkRangeMs('thinkMs', input.thinkMs ?? base.thinkMs),
    retryCount: 1,
    retryDelayMs: 20,
    // A tenth of the TTL: a black-holed node costs this, not a hang.
    nodeTimeoutMs: Math.max(50, Math.round(ttlMs / 10)),
    maxAttemptsPerWorker: 1_000_000,
    client: input.client ?? 'ioredis',
    evidenceBoundMs: Math.max(Math.round(durationS * 1000), base.evidenceBoundS * 1000),
  };
}

function checkRangeMs(name: string, range: readonly [number, number]): [number, number] {
  const [min, max] = range;
  checkRange(`${name}[0]`, min, 0, 60_000, true);
  checkRange(`${name}[1]`, max, 0, 60_000, true);
  if (min > max) throw new RangeError(`${name} must be a range min-max with min <= max, got ${min}-${max}`);
  return [min, max];
}

function checkRange(name: string, value: number, min: number, max: number, integer: boolean): number {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
