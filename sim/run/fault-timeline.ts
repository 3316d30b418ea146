import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicMs } from '../../src/clock.js';
import type { Random } from '../random.js';
import type { HarnessSteps } from './harness-steps.js';
import { planWindows, WHOLE_RUN, type FaultWindow } from '../scenarios/schedule.js';
import type { Nemesis, NemesisContext, ScheduledNemesis } from '../scenarios/types.js';

/** A nemesis with its planned windows (relative to the run's start). */
export interface PlannedNemesis {
  readonly nemesis: Nemesis;
  readonly wholeRun: boolean;
  readonly windows: readonly FaultWindow[];
  /** The nemesis's own random stream. */
  readonly random: Random;
  /** Client groups whose workers the nemesis may act on; undefined: all. */
  readonly workerGroups: readonly number[] | undefined;
}

/** The schedule of every nemesis of a scenario: pure, from the seed. */
export function planNemeses(scheduled: readonly ScheduledNemesis[], runMs: number, random: Random): PlannedNemesis[] {
  return scheduled.map(({ nemesis, schedule, workerGroups }, index) => {
    const stream = random.fork(`nemesis-${index}-${nemesis.name}`);
    const wholeRun = schedule === WHOLE_RUN;
    return {
      nemesis,
      wholeRun,
      windows: wholeRun ? [] : planWindows(schedule, runMs, stream.fork('schedule')),
      random: stream.fork('choices'),
      workerGroups,
    };
  });
}

/** When one window really was in force (monotonic ms): after inject returned, until heal began. */
export interface AppliedWindow {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  /** When heal returned. */
  readonly healedMs: number;
}

/**
 * Plays the windowed nemeses against the clock from `startMs` (monotonic): inject at each
 * window's start, heal at its end, each a bounded step of `steps` (which restarts a hung
 * Toxiproxy). Whole-run nemeses are injected before the workers go and healed after they
 * stop, by the runner. Failures are collected, never thrown, so a broken nemesis cannot
 * leave the others unhealed.
 */
export async function playTimeline(
  planned: readonly PlannedNemesis[],
  contextFor: (plan: PlannedNemesis) => NemesisContext,
  startMs: number,
  problems: string[],
  steps: Pick<HarnessSteps, 'run'>,
): Promise<AppliedWindow[]> {
  const applied: AppliedWindow[] = [];
  await Promise.all(
    planned
      .filter((plan) => !plan.wholeRun)
      .map(async (plan) => {
        const ctx = contextFor(plan);
        for (const window of plan.windows) {
          await sleepUntil(startMs + window.startMs);
          let injectedMs: number | undefined;
          try {
            await steps.run(`nemesis ${plan.nemesis.name} inject`, () => plan.nemesis.inject(ctx));
            injectedMs = monotonicMs();
          } catch (error) {
            problems.push(`nemesis ${plan.nemesis.name} inject failed: ${(error as Error).message}`);
          }
          await sleepUntil(startMs + window.endMs);
          const healStartMs = monotonicMs();
          try {
            await steps.run(`nemesis ${plan.nemesis.name} heal`, () => plan.nemesis.heal(ctx));
          } catch (error) {
            problems.push(`nemesis ${plan.nemesis.name} heal failed: ${(error as Error).message}`);
          }
          if (injectedMs !== undefined) applied.push({ name: plan.nemesis.name, startMs: injectedMs, endMs: healStartMs, healedMs: monotonicMs() });
        }
      }),
  );
  return applied.sort((a, b) => a.startMs - b.startMs);
}

async function sleepUntil(targetMs: number): Promise<void> {
  const waitMs = targetMs - monotonicMs();
  if (waitMs > 0) await sleep(waitMs);
}
