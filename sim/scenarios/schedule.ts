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
