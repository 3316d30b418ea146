import { randomBytes } from 'node:crypto';
import { createClients, closeClients } from './libraries/clients.js';
import type { LibraryName, LockLibrary } from './libraries/lock-library.js';
import { createNodeRedlockLibrary } from './libraries/node-redlock-library.js';
import { createRawLibrary } from './libraries/raw-library.js';
import { createRedquorumLibrary } from './libraries/redquorum-library.js';
import { openBenchTestbed, type BenchTestbed, type FaultSwitch } from './bench-testbed.js';
import { compareFigures, type Figure } from './figures.js';
import { writeHgrmFiles } from './hgrm-files.js';
import { summarize, type LatencySummary } from './histogram.js';
import { roundOrder, roundShare } from './interleave.js';
import { machineInfo, parseRedisVersion } from './machine.js';
import type { BenchOptions, WorkloadName } from './options.js';
import { createProgress } from './progress.js';
import { REPORT_VERSION, type BenchReport, type HeapReport, type LibraryReport } from './report.js';
import { faultStretch, workloadFigures } from './workload-figures.js';
import { runContention } from './workloads/contention.js';
import { runLatency } from './workloads/latency.js';
import { runThroughput } from './workloads/throughput.js';
import { createSample, mergeSample, type WorkloadSample } from './workloads/workload-sample.js';
import { nowUs, type Workload } from './workloads/workload.js';

const WORKLOADS: Record<WorkloadName, Workload> = {
  latency: runLatency,
  throughput: runThroughput,
  contention: runContention,
};

/** How long the clients may take to answer PING at start and after a fault heals. */
const READY_TIMEOUT_MS = 15_000;

type Phase = 'measured' | 'no fault' | 'fault';

export interface BenchRunOutput {
  readonly report: BenchReport;
  /** .hgrm files written (empty without --hgrm). */
  readonly hgrmPaths: readonly string[];
}

export interface BenchRunIo {
  /** Where the progress bar and notes go. @default process.stderr */
  readonly stderr?: NodeJS.WriteStream;
}

/**
 * Runs one bench: opens the testbed, warms each library up, runs the interleaved rounds,
 * and builds the report. Every server it started is stopped before it returns or throws.
 */
export async function runBench(options: BenchOptions, io: BenchRunIo = {}): Promise<BenchRunOutput> {
  const stderr = io.stderr ?? process.stderr;
  const startedAt = new Date().toISOString();
  const testbed = await openBenchTestbed(options.testbed, options.scenario === 'faults');
  const libraries: LockLibrary[] = [];
  try {
    libraries.push(createRedquorumLibrary(testbed.addresses, options.retry, options.notify));
    for (const other of options.vs) {
      libraries.push(other === 'redlock' ? await createNodeRedlockLibrary(testbed.addresses, options.retry) : createRawLibrary(testbed.addresses, other));
    }
    await Promise.all(libraries.map((library) => library.ready(READY_TIMEOUT_MS)));
    const redisVersion = await readRedisVersion(testbed.addresses[0]);
    const runId = randomBytes(4).toString('hex');
    const keyPrefix = (library: LockLibrary): string => `bench:${runId}:${library.name}`;
    const workload = WORKLOADS[options.workload];
    const phases: Phase[] = options.scenario === 'faults' ? ['no fault', 'fault'] : ['measured'];

    // Warm-up: JIT, connections and script caches, measured by nobody.
    for (const library of libraries) {
      if (options.warmupMs <= 0) break;
      await workload({ library, keyPrefix: keyPrefix(library), operationsMax: options.iterations, durationMs: options.warmupMs, options, onOperation: () => undefined });
    }

    // Heap after warm-up and before the rounds, and again after them, both with the
    // clients open: what the measured operations themselves left behind.
    const heapBefore = heapUsedBytes();
    let heapAfterBytes = 0;
    const totals = new Map<LibraryName, Map<Phase, WorkloadSample>>();
    for (const library of libraries) totals.set(library.name, new Map(phases.map((phase) => [phase, createSample([], options.workers)])));
    const progress = createProgress(options.rounds * libraries.length * phases.length, options.progress, stderr);
    let runIndex = 0;
    try {
      for (let round = 0; round < options.rounds; round += 1) {
        const operationsMax = roundShare(options.iterations, options.rounds, round);
        const durationMs = options.durationMs / options.rounds;
        for (const library of roundOrder(libraries, round)) {
          for (const phase of roundOrder(phases, round)) {
            progress.startRun(runIndex, `${library.name}${phase === 'measured' ? '' : ` ${phase}`} round ${round + 1}/${options.rounds}`);
            runIndex += 1;
            await setPhase(testbed.faults, phase, options, libraries);
            const startUs = nowUs();
            let done = 0;
            const sample = await workload({
              library,
              keyPrefix: keyPrefix(library),
              operationsMax,
              durationMs,
              options,
              onOperation: () => {
                done += 1;
                progress.update(Math.max(done / operationsMax, (nowUs() - startUs) / 1000 / durationMs));
              },
            });
            const total = totals.get(library.name)?.get(phase);
            if (total) mergeSample(total, sample);
          }
        }
      }
      heapAfterBytes = heapUsedBytes().beforeBytes;
    } finally {
      progress.stop();
      if (testbed.faults) await testbed.faults.heal();
    }

    const reports = libraries.map((library) => libraryReport(library.name, options.workload, totals.get(library.name) ?? new Map()));
    const [ours, ...others] = reports;
    const comparisons = ours ? others.map((theirs) => ({ theirs: theirs.library, ratios: compareFigures(ours.figures, theirs.figures) })) : [];
    const report: BenchReport = {
      tool: 'redquorum bench',
      version: REPORT_VERSION,
      scenario: options.scenario,
      workload: options.workload,
      fault: options.fault ?? null,
      testbed: testbed.description,
      nodeCount: testbed.addresses.length,
      settings: {
        iterations: options.iterations,
        durationMs: options.durationMs,
        warmupMs: options.warmupMs,
        rounds: options.rounds,
        concurrency: options.concurrency,
        workers: options.workers,
        holdMs: options.holdMs,
        thinkMs: options.thinkMs,
        ttlMs: options.ttlMs,
        retry: options.retry,
        notify: options.notify ?? null,
      },
      machine: machineInfo(redisVersion),
      startedAt,
      libraries: reports,
      ratios: comparisons[0]?.ratios ?? [],
      comparisons,
      heap: { ...heapBefore, afterBytes: heapAfterBytes } satisfies HeapReport,
    };
    const hgrmPaths =
      options.hgrmPath === undefined
        ? []
        : writeHgrmFiles(
            options.hgrmPath,
            [...totals].flatMap(([library, byPhase]) =>
              [...byPhase].flatMap(([phase, sample]) =>
                Object.entries(sample.histograms).map(([name, histogram]) => ({ library, name: phaseName(phase, name), histogram })),
              ),
            ),
          );
    return { report, hgrmPaths };
  } finally {
    await Promise.allSettled(libraries.map((library) => library.close()));
    await testbed.stop();
  }
}

async function setPhase(faults: FaultSwitch | undefined, phase: Phase, options: BenchOptions, libraries: readonly LockLibrary[]): Promise<void> {
  if (!faults || phase === 'measured') return;
  await faults.heal();
  // A healed "down" node must be reachable again before the no-fault phase is timed.
  await Promise.all(libraries.map((library) => library.ready(READY_TIMEOUT_MS)));
  if (phase === 'fault' && options.fault) await faults.apply(options.fault);
}

function libraryReport(library: LibraryName, workload: WorkloadName, byPhase: Map<Phase, WorkloadSample>): LibraryReport {
  const figures: Figure[] = [];
  const histograms: Record<string, LatencySummary> = {};
  const merged = createSample([], 0);
  for (const [phase, sample] of byPhase) {
    const prefix = phase === 'measured' ? '' : `${phase}: `;
    figures.push(...workloadFigures(workload, sample).map((figure) => ({ ...figure, name: prefix + figure.name })));
    for (const [name, histogram] of Object.entries(sample.histograms)) histograms[phaseName(phase, name)] = summarize(histogram);
    merged.operations += sample.operations;
    merged.elapsedMs += sample.elapsedMs;
    merged.errors += sample.errors;
    merged.retried += sample.retried;
    sample.perWorker.forEach((count, index) => {
      merged.perWorker[index] = (merged.perWorker[index] ?? 0) + count;
    });
  }
  const noFault = byPhase.get('no fault');
  const fault = byPhase.get('fault');
  if (noFault && fault) figures.push(faultStretch(workload, noFault, fault));
  return {
    library,
    figures,
    histograms,
    operations: merged.operations,
    elapsedMs: merged.elapsedMs,
    errors: merged.errors,
    perWorker: workload === 'contention' ? merged.perWorker : [],
  };
}

function phaseName(phase: Phase, name: string): string {
  return phase === 'measured' ? name : `${phase}/${name}`;
}

async function readRedisVersion(address: string | undefined): Promise<string | undefined> {
  if (address === undefined) return undefined;
  const [client] = createClients([address]);
  if (!client) return undefined;
  try {
    return parseRedisVersion(await client.info('server'));
  } catch {
    return undefined;
  } finally {
    await closeClients([client]);
  }
}

function heapUsedBytes(): { beforeBytes: number; gcExposed: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return { beforeBytes: process.memoryUsage().heapUsed, gcExposed: gc !== undefined };
}

export type { BenchTestbed };
