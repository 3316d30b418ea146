import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicMs } from '../../src/clock.js';
import type { Random } from '../random.js';
import type { HarnessSteps } from './harness-steps.js';
import { describeStrike, type HoldBoard } from './hold-board.js';
import { isReactive, planWindows, WHOLE_RUN, type FaultWindow, type ReactiveSpec } from '../scenarios/schedule.js';
import type { Nemesis, NemesisContext, ScheduledNemesis } from '../scenarios/types.js';

/** A nemesis with its planned windows (relative to the run's start). */
export interface PlannedNemesis {
  readonly nemesis: Nemesis;
  readonly wholeRun: boolean;
  /** Timed windows; empty for whole-run and reactive nemeses. */
  readonly windows: readonly FaultWindow[];
  /** Set for a nemesis that strikes in reaction to the holders. */
  readonly reactive: ReactiveSpec | undefined;
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
    const reactive = isReactive(schedule) ? schedule : undefined;
    return {
      nemesis,
      wholeRun,
      windows: schedule === WHOLE_RUN || isReactive(schedule) ? [] : planWindows(schedule, runMs, stream.fork('schedule')),
      reactive,
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
  /** Reactive faults: the moment that triggered it, in words. */
  readonly trigger?: string;
}

/** How long a reactive nemesis waits between looks at the board. */
const REACTIVE_POLL_MS = 2;

/**
 * Plays the windowed and reactive nemeses from `startMs` (monotonic) until `endMs` or
 * `signal` aborts: inject at each window's start (or when the board shows the moment a
 * reactive nemesis waits for), heal at its end, each a bounded step of `steps` (which
 * restarts a hung Toxiproxy). An abort skips the windows not yet begun; an active one is
 * still healed. Whole-run nemeses are injected before the workers go and healed after
 * they stop, by the runner. Failures are collected, never thrown, so a broken nemesis
 * cannot leave the others unhealed.
 */
export async function playTimeline(
  planned: readonly PlannedNemesis[],
  contextFor: (plan: PlannedNemesis) => NemesisContext,
  startMs: number,
  problems: string[],
  steps: Pick<HarnessSteps, 'run'>,
  options: { readonly endMs: number; readonly board?: HoldBoard; readonly signal?: AbortSignal } = { endMs: Infinity },
): Promise<AppliedWindow[]> {
  const applied: AppliedWindow[] = [];
  const { signal } = options;
  const strike = async (plan: PlannedNemesis, ctx: NemesisContext, untilMs: () => number, trigger?: string): Promise<void> => {
    let injectedMs: number | undefined;
    try {
      await steps.run(`nemesis ${plan.nemesis.name} inject`, () => plan.nemesis.inject(ctx));
      injectedMs = monotonicMs();
    } catch (error) {
      problems.push(`nemesis ${plan.nemesis.name} inject failed: ${(error as Error).message}`);
    }
    // An abort ends the wait, not the fault: heal always runs.
    await sleepUntil(untilMs(), signal);
    const healStartMs = monotonicMs();
    try {
      await steps.run(`nemesis ${plan.nemesis.name} heal`, () => plan.nemesis.heal(ctx));
    } catch (error) {
      problems.push(`nemesis ${plan.nemesis.name} heal failed: ${(error as Error).message}`);
    }
    if (injectedMs !== undefined) {
      applied.push({ name: plan.nemesis.name, startMs: injectedMs, endMs: healStartMs, healedMs: monotonicMs(), ...(trigger === undefined ? {} : { trigger }) });
    }
  };
  await Promise.all(
    planned
      .filter((plan) => !plan.wholeRun)
      .map(async (plan) => {
        const ctx = contextFor(plan);
        if (plan.reactive !== undefined) {
          await playReactive(plan, plan.reactive, ctx, options, strike);
          return;
        }
        for (const window of plan.windows) {
          await sleepUntil(startMs + window.startMs, signal);
          if (signal?.aborted === true || startMs + window.endMs > options.endMs) break;
          await strike(plan, ctx, () => startMs + window.endMs);
        }
      }),
  );
  return applied.sort((a, b) => a.startMs - b.startMs);
}

async function playReactive(
  plan: PlannedNemesis,
  spec: ReactiveSpec,
  ctx: NemesisContext,
  options: { readonly endMs: number; readonly board?: HoldBoard; readonly signal?: AbortSignal },
  strike: (plan: PlannedNemesis, ctx: NemesisContext, untilMs: () => number, trigger?: string) => Promise<void>,
): Promise<void> {
  const { board, signal } = options;
  if (board === undefined) throw new Error(`nemesis ${plan.nemesis.name} reacts to holders, but no hold board was given`);
  const lastStartMs = options.endMs - spec.tailMs;
  for (let count = 0; count < spec.maxFaults; count += 1) {
    let found = board.findStrike(spec, monotonicMs());
    while (found === undefined && signal?.aborted !== true && monotonicMs() < lastStartMs) {
      await sleepUntil(monotonicMs() + REACTIVE_POLL_MS, signal);
      found = board.findStrike(spec, monotonicMs());
    }
    if (found === undefined || signal?.aborted === true || monotonicMs() >= lastStartMs) return;
    const durationMs = plan.random.int(Math.round(spec.durationMs[0]), Math.round(spec.durationMs[1]));
    const injectAtMs = monotonicMs();
    const trigger = describeStrike(found);
    // The history says why the fault struck when it did: the trigger goes on its start event.
    const told: NemesisContext = { ...ctx, record: (event) => ctx.record(event.type === 'start' ? { ...event, detail: `${event.detail}; while ${trigger}` } : event) };
    await strike(plan, told, () => injectAtMs + durationMs, trigger);
    await sleepUntil(monotonicMs() + plan.random.int(Math.round(spec.gapMs[0]), Math.round(spec.gapMs[1])), signal);
  }
}

async function sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void> {
  const waitMs = targetMs - monotonicMs();
  if (waitMs <= 0 || signal?.aborted === true) return;
  try {
    await sleep(waitMs, undefined, signal === undefined ? {} : { signal });
  } catch (error) {
    if ((error as { name?: string }).name !== 'AbortError') throw error;
  }
}
