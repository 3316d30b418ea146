import type { RunSettings } from './worker-plan.js';

/** The knobs a person sets on the command line; everything else follows from them. */
export interface SettingsInput {
  readonly seed: number;
  /** Workload seconds per scenario. @default 12 (4 with short) (1 to 600) */
  readonly durationS?: number;
  /** Worker processes per scenario. @default 8 (6 with short) (1 to 64) */
  readonly workers?: number;
  /** Resources per pool. @default 16 (12 with short) (1 to 1000) */
  readonly resources?: number;
  /** Lock TTL in ms. @default 1000 (100 to 60_000) */
  readonly ttlMs?: number;
  /** The CI version: short runs, fewer workers. @default false */
  readonly short?: boolean;
}

// The full run: 20 scenarios x 12 s is about five minutes, with a few thousand acquisitions
// per scenario from 8 workers on 16 resources. The short run keeps every scenario's fault
// schedule (at least one window each) in 4 s.
const FULL = { durationS: 12, workers: 8, resources: 16 } as const;
const SHORT = { durationS: 4, workers: 6, resources: 12 } as const;
const DEFAULT_TTL_MS = 1000;

/** The run's settings, every value checked against its range (RangeError names it). */
export function resolveSettings(input: SettingsInput): RunSettings {
  const base = input.short === true ? SHORT : FULL;
  const durationS = checkRange('duration', input.durationS ?? base.durationS, 1, 600, false);
  const workers = checkRange('workers', input.workers ?? base.workers, 1, 64, true);
  const resources = checkRange('resources', input.resources ?? base.resources, 1, 1000, true);
  const ttlMs = checkRange('ttl', input.ttlMs ?? DEFAULT_TTL_MS, 100, 60_000, true);
  return {
    seed: input.seed,
    runMs: Math.round(durationS * 1000),
    workers,
    resources,
    ttlMs,
    driftFactor: 0.01,
    // Short critical sections and think times: many acquisitions, much contention.
    holdMs: [5, 20],
    thinkMs: [0, 5],
    retryCount: 1,
    retryDelayMs: 20,
    // A tenth of the TTL: a black-holed node costs this, not a hang.
    nodeTimeoutMs: Math.max(50, Math.round(ttlMs / 10)),
    maxAttemptsPerWorker: 1_000_000,
  };
}

function checkRange(name: string, value: number, min: number, max: number, integer: boolean): number {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
