import { breaches, unexplained } from './assumptions.js';
import { explore, summaryLine, type ExploreOptions, type ExploreSummary, type Finding } from './explore.js';
import { exploreInWorkers } from './explore-workers.js';
import type { Scenario } from './scenario.js';
import { decodeScenario, encodeScenario } from './scenario-codec.js';
import { cutAfter, shrink } from './shrink.js';
import { generateScenario, SWARM_KINDS, type SwarmKind } from './swarm.js';
import { formatTimeline } from './timeline.js';
import { ANOMALIES, describeAnomalies, evidence, judge, type Anomaly } from './verdict.js';
import { runScenario, type TraceEntry } from './world.js';

/** The command's options: an exploration's, plus shrinking, processes and replay. */
export interface ExploreRun extends Omit<ExploreOptions, 'kinds' | 'shardIndex' | 'shardCount'> {
  /** The fault kinds seeds may enable. */
  readonly kinds: readonly SwarmKind[];
  readonly shrink: boolean;
  readonly shrinkRunsMax: number;
  /** Most host time spent shrinking one counterexample, ms. */
  readonly shrinkTimeLimitMs: number;
  /** Explorer processes over disjoint runs (1: explore in this process). */
  readonly workers: number;
  /** A scenario to run alone: an encoded one, or the seed of one (drawn with the options above). */
  readonly replay: string | undefined;
}

/** Exit codes, TigerBeetle-style: one per kind of failure. */
export const EXIT = Object.freeze({ ok: 0, correctness: 3, liveness: 4 });

/** Most anomaly kinds shrunk per exploration (the first finding of each). */
const SHRINK_KINDS_MAX = 4;

/**
 * The `explore` command's work, with its output going to `write` line by line, so that it
 * can be tested without a terminal. Returns the exit code.
 */
export async function exploreMain(options: ExploreRun, write: (line: string) => void): Promise<number> {
  const command = (extra: string): string =>
    `redquorum explore ${extra}${options.mode === 'within' ? ' --within-assumptions' : ''} --ops-per-run ${options.opsPerRun}` +
    (options.controls.length > 0 ? ` --controls ${options.controls.join(',')}` : '') +
    (options.kinds.length < SWARM_KINDS.length ? ` --faults ${options.kinds.join(',')}` : '');
  if (options.replay !== undefined) return replay(options, write, command);

  write(`seed ${options.seed}`);
  const exploreOptions: ExploreOptions = {
    seed: options.seed,
    mode: options.mode,
    opsTotal: options.opsTotal,
    opsPerRun: options.opsPerRun,
    runsMax: options.runsMax,
    timeLimitMs: options.timeLimitMs,
    controls: options.controls,
    kinds: options.kinds,
  };
  const onFinding = (finding: Finding): void => write(findingLine(finding, command));
  const summary = options.workers > 1 ? await exploreInWorkers(exploreOptions, options.workers, onFinding) : await explore(exploreOptions, onFinding);
  write(summaryLine(options.seed, options.mode, summary) + (options.workers > 1 ? ` (${options.workers} processes)` : ''));
  if (options.shrink) await shrinkFindings(summary, options, write);
  return exitCode(summary.findings);
}

function findingLine(finding: Finding, command: (extra: string) => string): string {
  const names = [...new Set(breaches(finding.scenario).map((b) => b.name))].join(', ') || 'none';
  const unexplained = finding.unexplained.length > 0 ? ` UNEXPLAINED: ${finding.unexplained.join(', ')};` : '';
  return `violation seed ${finding.scenario.seed}: ${describeAnomalies(finding.anomalies)};${unexplained} assumptions broken: ${names}; replay: ${command(`--replay ${finding.scenario.seed}`)}`;
}

function exitCode(findings: readonly Finding[]): number {
  if (findings.some((f) => f.unexplained.some((a) => a !== 'stuck'))) return EXIT.correctness;
  if (findings.some((f) => f.unexplained.includes('stuck'))) return EXIT.liveness;
  return EXIT.ok;
}

async function shrinkFindings(summary: ExploreSummary, options: ExploreRun, write: (line: string) => void): Promise<void> {
  const done = new Set<Anomaly>();
  for (const finding of summary.findings) {
    const anomaly = ANOMALIES.find((a) => finding.anomalies.has(a) && !done.has(a));
    if (anomaly === undefined || done.size >= SHRINK_KINDS_MAX) continue;
    done.add(anomaly);
    await shrinkAndPrint(finding.scenario, anomaly, options.shrinkRunsMax, options.shrinkTimeLimitMs, write);
  }
}

/** Shrinks a scenario that shows `anomaly` and prints the minimal one as a timeline and a replay command. */
export async function shrinkAndPrint(scenario: Scenario, anomaly: Anomaly, runsMax: number, timeLimitMs: number, write: (line: string) => void): Promise<Scenario> {
  const found = evidence(judge(await runScenario(scenario)), anomaly, scenario.ttlMs);
  const first = found === undefined ? [] : [cutAfter(scenario, found.lockIds, found.toMs)];
  const result = await shrink(scenario, async (candidate) => judge(await runScenario(candidate)).anomalies.has(anomaly), { runsMax, timeLimitMs, first });
  const trace: TraceEntry[] = [];
  const run = await runScenario(result.scenario, { trace: (entry) => trace.push(entry) });
  const verdict = judge(run);
  write('');
  write(`shrunk ${anomaly} counterexample (${result.steps} reductions in ${result.tries} tries): ${describeAnomalies(verdict.anomalies)}`);
  write(formatTimeline(result.scenario, run.history, trace, verdict, anomaly));
  write(`replay: redquorum explore --replay ${encodeScenario(result.scenario)}`);
  return result.scenario;
}

async function replay(options: ExploreRun, write: (line: string) => void, command: (extra: string) => string): Promise<number> {
  const text = options.replay as string;
  const scenario = /^\d+$/.test(text)
    ? generateScenario(Number(text), { mode: options.mode, ops: options.opsPerRun, controls: options.controls, kinds: options.kinds })
    : decodeScenario(text);
  const startMs = performance.now();
  const run = await runScenario(scenario);
  const verdict = judge(run);
  const attempts = run.attempts.acquire + run.attempts.extend + run.attempts.release;
  write(
    `replay seed ${scenario.seed}: ${attempts} lock operation attempts, ${(run.simulatedMs / 1000).toFixed(1)} s simulated in ` +
      `${((performance.now() - startMs) / 1000).toFixed(1)} s; anomalies: ${describeAnomalies(verdict.anomalies)}`,
  );
  const findings: Finding[] = [];
  if (verdict.anomalies.size > 0) {
    const finding = { scenario, anomalies: verdict.anomalies, unexplained: unexplained(verdict.anomalies, scenario) };
    findings.push(finding);
    write(findingLine(finding, command));
    const anomaly = ANOMALIES.find((a) => verdict.anomalies.has(a)) as Anomaly;
    if (options.shrink) await shrinkAndPrint(scenario, anomaly, options.shrinkRunsMax, options.shrinkTimeLimitMs, write);
    else {
      const trace: TraceEntry[] = [];
      const traced = await runScenario(scenario, { trace: (entry) => trace.push(entry) });
      write(formatTimeline(scenario, traced.history, trace, judge(traced), anomaly));
    }
  }
  return exitCode(findings);
}
