import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monotonicMs } from '../../src/clock.js';
import type { CheckResult } from '../checker/index.js';
import { readHistories } from '../history/jsonl.js';
import type { FaultEvent, HistoryEvent } from '../history/types.js';
import { Random } from '../random.js';
import type { Expectation, NemesisContext, Scenario, ScenarioParams } from '../scenarios/types.js';
import type { Testbed } from '../testbed/testbed.js';
import { HoldBoard } from './hold-board.js';
import { registerInputs } from './register-inputs.js';
import { watchEvidence } from './evidence-watch.js';
import { planNemeses, playTimeline, type AppliedWindow, type LiveTimeline, type PlannedNemesis } from './fault-timeline.js';
import { HarnessSteps, type ToxiproxyRestart } from './harness-steps.js';
import { judge, type Judgement, type Observed } from './judge.js';
import { snapshotKeys } from './key-snapshot.js';
import { observe } from './observe.js';
import { planWorkers, splitWorkers, type RunSettings } from './worker-plan.js';
import { WorkerPool } from './worker-pool.js';

/** Everything one scenario run produced. */
export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly seed: number;
  /** The workload's real length: from the go until the row had its evidence, or its bound. */
  readonly runMs: number;
  /** The row's evidence length: its duration (or minRunMs) that the per-group minimums are scaled to. */
  readonly evidenceRunMs: number;
  /** Whether the row stopped because it had its evidence (false: it reached its bound). */
  readonly stoppedEarly: boolean;
  /** The spec's prediction for this run's parameters. */
  readonly expected: Expectation;
  readonly applied: readonly AppliedWindow[];
  readonly checks: readonly CheckResult[];
  readonly observed: Observed;
  readonly judgement: Judgement;
  /** The merged history (every worker plus fault events), sorted by time. */
  readonly history: readonly HistoryEvent[];
  /** Where the merged history was written. */
  readonly historyPath: string;
  /** Restarts of a hung toxiproxy-server during the run (empty when none was needed). */
  readonly toxiproxyRestarts: readonly ToxiproxyRestart[];
  /** Harness notes for the verdict: what the harness had to do that the reader should know. */
  readonly notes: readonly string[];
}

export interface RunScenarioOptions {
  readonly settings: RunSettings;
  /** The scenario's folder for histories. */
  readonly outDir: string;
  /**
   * Fork idle workers for the next scenario once this one's are gone (a catalog run);
   * the caller ends with `WorkerPool.releaseSpares()`. @default false
   */
  readonly prepareNext?: boolean;
  /** Called now and then with the share of the scenario done (0 to 1). */
  readonly onProgress?: (share: number) => void;
}

// Bound of any one nemesis or testbed step (a delayed restart waits about 1.5 TTL inside
// heal); beyond it the step is a harness problem, not a hang.
const STEP_TIMEOUT_MS = 15_000;
// Bound of one toxiproxy-server restart (start, then recreate every proxy) and, separately,
// of putting the active toxics back.
const TOXIPROXY_RESTART_TIMEOUT_MS = 20_000;
// Restarts of a hung toxiproxy-server allowed in one scenario; a third hang is a harness crash.
const TOXIPROXY_RESTARTS_MAX = 2;
// How often progress is reported while the workload runs.
const PROGRESS_TICK_MS = 250;

/**
 * Runs one scenario on a testbed: heal and flush, fork the workers, set up the nemeses,
 * play the fault schedule while the workers run, stop everything (always, in finally),
 * then gather the histories, snapshot the nodes' keys and judge. Never throws for a
 * failure inside the run: a harness problem becomes a `harness-crash` verdict.
 */
export async function runScenario(testbed: Testbed, scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioResult> {
  // Every row runs at least its duration (or the scenario's minRunMs), then on until it has
  // its evidence (see evidence-watch.ts), at most to its bound; only a row that reaches
  // the bound without its evidence is judged `no-evidence`.
  const minRunMs = scenario.minRunMs?.({ ttlMs: options.settings.ttlMs, nodes: testbed.nodeCount }) ?? 0;
  const baseRunMs = Math.max(options.settings.runMs, minRunMs);
  const settings: RunSettings = { ...options.settings, runMs: Math.max(baseRunMs, options.settings.evidenceBoundMs) };
  const random = new Random(settings.seed).fork(scenario.id);
  // The schedule is scaled to the row's duration and repeats through the rest of the bound.
  const params: ScenarioParams = {
    ttlMs: settings.ttlMs,
    runMs: baseRunMs,
    nodes: testbed.nodeCount,
    workersPerGroup: splitWorkers(settings.workers, scenario.groups),
  };
  const expected = scenario.expected(params);
  const problems: string[] = [];
  const faultEvents: FaultEvent[] = [];
  const historyDir = join(options.outDir, 'workers');
  rmSync(historyDir, { recursive: true, force: true });
  mkdirSync(historyDir, { recursive: true });

  if (scenario.groups.length > testbed.groupCount) {
    throw new RangeError(`scenario ${scenario.id} needs ${scenario.groups.length} client groups, the testbed has ${testbed.groupCount}`);
  }
  const set: PlannedNemesis[] = [];
  const steps = new HarnessSteps({
    testbed,
    stepTimeoutMs: STEP_TIMEOUT_MS,
    restartTimeoutMs: TOXIPROXY_RESTART_TIMEOUT_MS,
    maxRestarts: TOXIPROXY_RESTARTS_MAX,
    // Every nemesis set up so far that acts through Toxiproxy puts its toxics back if active.
    restoreFaults: async () => {
      for (const plan of set) await plan.nemesis.restore?.(contextFor(plan));
    },
    record: (event) => faultEvents.push(event),
  });
  await steps.run('healAll', () => testbed.healAll());
  await steps.run('flushAll', () => testbed.flushAll());

  const configs = planWorkers(scenario, settings, testbed, historyDir, random.fork('workers'));
  const planned = planNemeses(scenario.nemeses(params, random.fork('faults')), settings.runMs, random.fork('nemeses'));
  if (planned.some((plan) => !plan.wholeRun && plan.reactive === undefined && plan.windows.length === 0)) {
    problems.push(`the run of ${settings.runMs} ms is too short for ${scenario.id}'s fault schedule`);
  }
  let pool: WorkerPool | undefined;
  let applied: AppliedWindow[] = [];
  const contexts = new Map<PlannedNemesis, NemesisContext>();
  const contextFor = (plan: PlannedNemesis): NemesisContext => {
    let ctx = contexts.get(plan);
    if (!ctx) {
      ctx = {
        testbed,
        workers: (pool?.handles ?? []).filter((worker) => plan.workerGroups === undefined || plan.workerGroups.includes(worker.group)),
        random: () => plan.random.next(),
        ttlMs: settings.ttlMs,
        record: (event) => faultEvents.push(event),
      };
      contexts.set(plan, ctx);
    }
    return ctx;
  };
  const wholeRunStarts = new Map<PlannedNemesis, number>();
  const board = new HoldBoard();
  const live: LiveTimeline = { applied: [], active: 0, lastHealedMs: undefined };
  const stop = new AbortController();
  let goMs = monotonicMs();
  let stoppedAtMs: number | undefined;
  try {
    pool = await WorkerPool.start(configs, process.env, (report) => board.apply(report));
    for (const plan of planned) {
      await steps.run(`nemesis ${plan.nemesis.name} setup`, () => plan.nemesis.setup(contextFor(plan)));
      set.push(plan);
    }
    for (const plan of planned.filter((p) => p.wholeRun)) {
      await steps.run(`nemesis ${plan.nemesis.name} inject`, () => plan.nemesis.inject(contextFor(plan)));
      wholeRunStarts.set(plan, monotonicMs());
    }
    goMs = monotonicMs();
    pool.go();
    const progress = reportProgress(goMs, settings.runMs, options.onProgress);
    const running = pool;
    const watch = watchEvidence(
      { configs, expected, groups: scenario.groups, evidenceRunMs: baseRunMs, notBeforeMs: goMs + baseRunMs, live, faultEvents, wholeRunFaults: wholeRunStarts.size,
        measuredSoFar: () => measuredSoFar(planned) },
      stop.signal,
      () => {
        stoppedAtMs = monotonicMs();
        stop.abort();
        running.stop();
      },
    );
    try {
      applied = await playTimeline(planned, contextFor, goMs, problems, steps, { endMs: goMs + settings.runMs, board, signal: stop.signal, live });
      await pool.waitForExit(Math.max(0, goMs + settings.runMs - monotonicMs()) + 3 * settings.ttlMs);
    } finally {
      stop.abort();
      await watch;
      progress.stop();
    }
  } catch (error) {
    problems.push(`harness: ${(error as Error).stack ?? String(error)}`);
  } finally {
    await pool?.kill();
    // The next scenario's workers start and load while this one heals and is checked.
    if (options.prepareNext === true) await WorkerPool.prepareSpares(configs.length);
    for (const plan of set.reverse()) {
      const ctx = contextFor(plan);
      try {
        if (plan.wholeRun) {
          const endMs = monotonicMs();
          await steps.run(`nemesis ${plan.nemesis.name} heal`, () => plan.nemesis.heal(ctx));
          const startedMs = wholeRunStarts.get(plan);
          if (startedMs !== undefined) applied.push({ name: plan.nemesis.name, startMs: startedMs, endMs, healedMs: monotonicMs() });
        }
        await steps.run(`nemesis ${plan.nemesis.name} teardown`, () => plan.nemesis.teardown(ctx));
      } catch (error) {
        problems.push(`nemesis ${plan.nemesis.name} teardown failed: ${(error as Error).message}`);
      }
    }
    await steps.run('healAll', () => testbed.healAll()).catch((error: unknown) => problems.push(`healAll failed: ${(error as Error).message}`));
  }
  if (pool) problems.push(...pool.problems);

  const snapshot = await snapshotKeys(testbed.directEndpoints());
  problems.push(...snapshot.problems);
  const history = readHistories(configs.map((config) => config.historyPath), faultEvents, problems);
  const runMs = stoppedAtMs === undefined ? settings.runMs : Math.max(1, stoppedAtMs - goMs);
  const registers = await registerInputs(testbed, configs, problems);
  const { checks, observed } = observe({
    history,
    groupCount: scenario.groups.length,
    registers,
    snapshot: snapshot.problems.length === 0 ? snapshot.entries : undefined,
    ttlMs: settings.ttlMs,
    runMs,
    evidenceRunMs: baseRunMs,
    applied,
    expected,
    targetFault: scenario.targetFault,
    problems,
  });
  const historyPath = join(options.outDir, 'history.jsonl');
  writeFileSync(historyPath, history.map((event) => JSON.stringify(event)).join('\n') + '\n');
  options.onProgress?.(1);
  const notes = steps.describe() === '' ? [] : [steps.describe()];
  return {
    scenario,
    seed: settings.seed,
    runMs,
    evidenceRunMs: baseRunMs,
    stoppedEarly: stoppedAtMs !== undefined,
    expected,
    applied,
    checks,
    observed,
    judgement: judge(expected, observed, scenario.groups),
    history,
    historyPath,
    toxiproxyRestarts: [...steps.restarts],
    notes,
  };
}

/** The whole-run nemeses' measurements so far, as the stop events they will record at heal. */
function measuredSoFar(planned: readonly PlannedNemesis[]): FaultEvent[] {
  const events: FaultEvent[] = [];
  for (const plan of planned) {
    const measured = plan.wholeRun ? plan.nemesis.measuredSoFar?.() : undefined;
    if (measured !== undefined) events.push({ kind: 'fault', type: 'stop', name: plan.nemesis.name, detail: 'measured so far', timeMs: monotonicMs(), measured });
  }
  return events;
}

function reportProgress(goMs: number, runMs: number, onProgress: ((share: number) => void) | undefined): { stop(): void } {
  if (!onProgress) return { stop() {} };
  const timer = setInterval(() => onProgress(Math.min(0.99, (monotonicMs() - goMs) / runMs)), PROGRESS_TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
