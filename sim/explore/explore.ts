import { deriveSeed } from '../random.js';
import { unexplained } from './assumptions.js';
import type { ExploreVariant, Scenario } from './scenario.js';
import { generateScenario, type ExploreMode, type SwarmKind } from './swarm.js';
import { describeAnomalies, judge, type Anomaly } from './verdict.js';
import { runScenario } from './world.js';

export interface ExploreOptions {
  readonly seed: number;
  readonly mode: ExploreMode;
  /** Stop once the library made this many lock operation attempts. */
  readonly opsTotal: number;
  /** Lock operations the clients of one scenario start. */
  readonly opsPerRun: number;
  /** Stop after this many scenarios, whatever the count of operations. */
  readonly runsMax: number;
  /** Stop after this much host time, ms. */
  readonly timeLimitMs: number;
  readonly controls: readonly ExploreVariant[];
  /** The fault kinds seeds may enable. @default SWARM_KINDS */
  readonly kinds?: readonly SwarmKind[];
  /** Only runs i with i % shardCount === shardIndex (parallel explorers). @default 0 of 1 */
  readonly shardIndex?: number;
  readonly shardCount?: number;
}

/**
 * One scenario that showed an anomaly: plain data (its run is not kept, an exploration
 * may find thousands; the seed replays it), so that an explorer in another process can
 * send it over.
 */
export interface Finding {
  readonly scenario: Scenario;
  /** Count per anomaly the run showed. */
  readonly anomalies: ReadonlyMap<Anomaly, number>;
  /** Anomalies no breach of the scenario explains: must stay empty. */
  readonly unexplained: readonly Anomaly[];
}

export interface ExploreSummary {
  readonly runs: number;
  readonly attempts: number;
  readonly operations: number;
  readonly simulatedMs: number;
  readonly hostMs: number;
  /** CPU time this process spent (user + system), ms: on a shared machine, the fair measure of cost. */
  readonly cpuMs: number;
  /** Runs that showed each anomaly. */
  readonly runsWith: ReadonlyMap<Anomaly, number>;
  readonly findings: readonly Finding[];
  /** Simulated ms explored up to the end of the first run with an anomaly (undefined: none). */
  readonly simulatedMsToFirstFinding: number | undefined;
  readonly stoppedBy: 'ops' | 'runs' | 'time';
}

/** The seed of run `i` of an exploration from `seed`: printed with any finding, so it replays alone. */
export function runSeed(seed: number, index: number): number {
  return index === 0 ? seed : deriveSeed(seed, `run:${index}`);
}

/**
 * Explores scenarios drawn from one seed until a bound is reached, judging each run with
 * the lab's checkers. `onFinding` hears of each run with an anomaly as it happens.
 */
export async function explore(options: ExploreOptions, onFinding: (finding: Finding) => void = () => {}, now: () => number = () => performance.now()): Promise<ExploreSummary> {
  const startMs = now();
  const cpuStart = process.cpuUsage();
  const shardIndex = options.shardIndex ?? 0;
  const shardCount = options.shardCount ?? 1;
  const runsWith = new Map<Anomaly, number>();
  const findings: Finding[] = [];
  let runs = 0;
  let attempts = 0;
  let operations = 0;
  let simulatedMs = 0;
  let stoppedBy: ExploreSummary['stoppedBy'] = 'runs';
  let simulatedMsToFirstFinding: number | undefined;
  for (let index = shardIndex; ; index += shardCount) {
    if (attempts >= options.opsTotal) {
      stoppedBy = 'ops';
      break;
    }
    if (runs >= options.runsMax) {
      stoppedBy = 'runs';
      break;
    }
    if (now() - startMs >= options.timeLimitMs) {
      stoppedBy = 'time';
      break;
    }
    const scenario = generateScenario(runSeed(options.seed, index), {
      mode: options.mode,
      ops: options.opsPerRun,
      controls: options.controls,
      ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
    });
    const run = await runScenario(scenario);
    const verdict = judge(run);
    runs += 1;
    attempts += run.attempts.acquire + run.attempts.extend + run.attempts.release;
    operations += run.operations;
    simulatedMs += run.simulatedMs;
    if (verdict.anomalies.size > 0) {
      simulatedMsToFirstFinding ??= simulatedMs;
      for (const anomaly of verdict.anomalies.keys()) runsWith.set(anomaly, (runsWith.get(anomaly) ?? 0) + 1);
      const finding = { scenario, anomalies: verdict.anomalies, unexplained: unexplained(verdict.anomalies, scenario) };
      findings.push(finding);
      onFinding(finding);
    }
  }
  const cpu = process.cpuUsage(cpuStart);
  return { runs, attempts, operations, simulatedMs, hostMs: now() - startMs, cpuMs: (cpu.user + cpu.system) / 1000, runsWith, findings, simulatedMsToFirstFinding, stoppedBy };
}

/** One line: what ran and what it found. */
export function summaryLine(seed: number, mode: ExploreMode, s: ExploreSummary): string {
  const perMinute = s.hostMs > 0 ? Math.round((s.attempts / s.hostMs) * 60_000) : 0;
  const perCpuMinute = s.cpuMs > 0 ? Math.round((s.attempts / s.cpuMs) * 60_000) : 0;
  const found = describeAnomalies(s.runsWith).replace(/ x/g, ' in ').replace(/(\d+)(,|$)/g, '$1 runs$2');
  const unexplainedRuns = s.findings.filter((f) => f.unexplained.length > 0).length;
  return (
    `explore seed ${seed} (${mode}): ${s.runs} runs, ${s.attempts} lock operation attempts, ` +
    `${(s.simulatedMs / 1000).toFixed(0)} s simulated in ${(s.hostMs / 1000).toFixed(1)} s (${perMinute}/min; ` +
    `${(s.cpuMs / 1000).toFixed(1)} s CPU, ${perCpuMinute}/CPU-min); ` +
    `anomalies: ${found}; unexplained: ${unexplainedRuns}`
  );
}
