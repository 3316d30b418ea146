import type { Random } from '../random.js';

/** One fault window, relative to the start of the run. */
export interface FaultWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * When a nemesis strikes: the first window starts in `firstStartMs`, lasts `durationMs`,
 * the next starts `gapMs` after the previous heal; no window starts unless it can end by
 * `runMs - tailMs`, so that recovery after the last heal is observed. All times in ms,
 * ranges inclusive and drawn from the scenario's seeded stream.
 */
export interface ScheduleSpec {
  readonly firstStartMs: readonly [number, number];
  readonly durationMs: readonly [number, number];
  readonly gapMs: readonly [number, number];
  /** Quiet time kept at the end of the run. */
  readonly tailMs: number;
  /** Upper bound on windows. */
  readonly maxWindows: number;
}

/** A nemesis that is on for the whole run (e.g. the asymmetric layout). */
export const WHOLE_RUN = 'whole-run';

/**
 * The fault windows for one run: a pure function of the spec, the run length and the
 * random stream, so the same seed gives the same schedule.
 */
export function planWindows(spec: ScheduleSpec, runMs: number, random: Random): FaultWindow[] {
  if (!Number.isInteger(spec.maxWindows) || spec.maxWindows < 0 || spec.maxWindows > 1000) {
    throw new RangeError(`maxWindows must be an integer from 0 to 1000, got ${spec.maxWindows}`);
  }
  const windows: FaultWindow[] = [];
  const lastEndMs = runMs - spec.tailMs;
  let startMs = random.int(Math.round(spec.firstStartMs[0]), Math.round(spec.firstStartMs[1]));
  while (windows.length < spec.maxWindows) {
    const durationMs = random.int(Math.round(spec.durationMs[0]), Math.round(spec.durationMs[1]));
    const endMs = startMs + durationMs;
    if (endMs > lastEndMs) break;
    windows.push({ startMs, endMs });
    startMs = endMs + random.int(Math.round(spec.gapMs[0]), Math.round(spec.gapMs[1]));
  }
  return windows;
}

/**
 * A fault that reacts to the holders instead of a timer (Jepsen's generator role): it
 * strikes while a holder of one of `holderGroups` is inside its critical section, with at
 * least `minHeldMs` of it behind and `minRemainingMs` of validity ahead, and a worker of
 * another group is waiting for the same resource. Each strike lasts `durationMs`, then
 * heals; the next may come `gapMs` after the heal, at most `maxFaults` times, and none
 * within `tailMs` of the end of the run. Times in ms, ranges drawn from the seed.
 */
export interface ReactiveSpec {
  readonly kind: 'reactive';
  readonly holderGroups: readonly number[];
  readonly minHeldMs: number;
  readonly minRemainingMs: number;
  readonly durationMs: readonly [number, number];
  readonly gapMs: readonly [number, number];
  readonly tailMs: number;
  readonly maxFaults: number;
}

export function isReactive(schedule: unknown): schedule is ReactiveSpec {
  return typeof schedule === 'object' && schedule !== null && (schedule as { kind?: unknown }).kind === 'reactive';
}
