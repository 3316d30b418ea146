import { fork, type ChildProcess } from 'node:child_process';
import { explore, type ExploreOptions, type ExploreSummary, type Finding } from './explore.js';
import type { Anomaly } from './verdict.js';

/** Most explorer processes one exploration forks. */
export const WORKERS_MAX = 16;

/** What an explorer process sends back, over its IPC channel (structured clone: Maps pass whole). */
type ShardMessage = { readonly type: 'finding'; readonly finding: Finding } | { readonly type: 'summary'; readonly summary: ExploreSummary };

/** How to start one more copy of this program: its script and Node flags (tsx's loader, when run from source). */
export interface ProgramEntry {
  readonly script: string;
  readonly execArgv: readonly string[];
}

/** The running program, as `process` knows it: the CLI from dist, or bench/cli.ts under tsx. */
export function thisProgram(): ProgramEntry {
  return { script: process.argv[1] ?? '', execArgv: process.execArgv };
}

/** The argument that makes the program an explorer serving one shard (not for people: no help line). */
export const SHARD_WORKER_ARGS: readonly string[] = ['explore', '--shard-worker'];

/**
 * One exploration as `workers` processes, one per core: process i explores the runs with
 * index i, i + workers, ... (disjoint seeds, each still replayable alone), each with its
 * share of the operation and run bounds and the whole time limit. Findings are heard as
 * they come; the summary sums the processes' counts and CPU time, with the host time
 * this process waited, so its rate is the machine's. Its findings are in shard order.
 */
export async function exploreInWorkers(options: ExploreOptions, workers: number, onFinding: (finding: Finding) => void = () => {}, program: ProgramEntry = thisProgram()): Promise<ExploreSummary> {
  if (!Number.isInteger(workers) || workers < 1 || workers > WORKERS_MAX) throw new RangeError(`workers must be an integer from 1 to ${WORKERS_MAX}, got ${workers}`);
  const startMs = performance.now();
  const children: ChildProcess[] = [];
  const shards = Array.from({ length: workers }, (_, shardIndex) =>
    runShard(program, {
      ...options,
      opsTotal: Math.ceil(options.opsTotal / workers),
      runsMax: Math.ceil(options.runsMax / workers),
      shardIndex,
      shardCount: workers,
    }, onFinding, children),
  );
  try {
    const summaries = await Promise.all(shards);
    return { ...sumSummaries(summaries), hostMs: performance.now() - startMs };
  } catch (error) {
    // One explorer failed: the exploration has failed, so the others are stopped, not awaited.
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
    throw error;
  }
}

function runShard(program: ProgramEntry, options: ExploreOptions, onFinding: (finding: Finding) => void, children: ChildProcess[]): Promise<ExploreSummary> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(program.script, [...SHARD_WORKER_ARGS], {
      execArgv: [...program.execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    let summary: ExploreSummary | undefined;
    child.on('message', (message: ShardMessage) => {
      if (message.type === 'finding') onFinding(message.finding);
      else summary = message.summary;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (summary !== undefined && code === 0) resolve(summary);
      else reject(new Error(`explorer of shard ${options.shardIndex ?? 0} of ${options.shardCount ?? 1} ended with ${signal ?? `exit code ${code}`} before its summary`));
    });
    child.send({ options });
  });
}

/**
 * The explorer side: waits for its options from the parent, explores, sends each
 * finding and then its summary, and lets the channel go so that the process ends.
 */
export function serveShard(): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) return Promise.reject(new Error('--shard-worker runs only as a forked explorer, with an IPC channel'));
  return new Promise((resolve, reject) => {
    process.once('message', (message: { options: ExploreOptions }) => {
      explore(message.options, (finding) => send({ type: 'finding', finding } satisfies ShardMessage))
        .then((summary) => {
          send({ type: 'summary', summary } satisfies ShardMessage, () => {
            process.disconnect();
            resolve();
          });
        })
        .catch(reject);
    });
  });
}

/** The processes' summaries as one: counts and CPU time summed, findings in shard order. */
export function sumSummaries(summaries: readonly ExploreSummary[]): ExploreSummary {
  const runsWith = new Map<Anomaly, number>();
  for (const s of summaries) for (const [anomaly, runs] of s.runsWith) runsWith.set(anomaly, (runsWith.get(anomaly) ?? 0) + runs);
  const firsts = summaries.flatMap((s) => (s.simulatedMsToFirstFinding === undefined ? [] : [s.simulatedMsToFirstFinding]));
  const sum = (pick: (s: ExploreSummary) => number): number => summaries.reduce((total, s) => total + pick(s), 0);
  return {
    runs: sum((s) => s.runs),
    attempts: sum((s) => s.attempts),
    operations: sum((s) => s.operations),
    simulatedMs: sum((s) => s.simulatedMs),
    hostMs: Math.max(0, ...summaries.map((s) => s.hostMs)),
    cpuMs: sum((s) => s.cpuMs),
    runsWith,
    findings: summaries.flatMap((s) => s.findings),
    // The simulated time one explorer needed to its first finding: the soonest of them.
    simulatedMsToFirstFinding: firsts.length === 0 ? undefined : Math.min(...firsts),
    stoppedBy: summaries.some((s) => s.stoppedBy === 'time') ? 'time' : summaries.some((s) => s.stoppedBy === 'ops') ? 'ops' : 'runs',
  };
}
