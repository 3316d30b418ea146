import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Redis } from 'ioredis';
import { openAdminConnection } from '../sim/testbed/redis-admin.js';
import { createClients, closeClients } from './libraries/clients.js';
import type { LibraryName, LockLibrary } from './libraries/lock-library.js';
import { createNodeRedlockLibrary } from './libraries/node-redlock-library.js';
import { createRawLibrary } from './libraries/raw-library.js';
import { createRedquorumLibrary } from './libraries/redquorum-library.js';
import { openBenchTestbed, type BenchTestbed, type FaultSwitch } from './bench-testbed.js';
import { compareFigures, type Figure } from './figures.js';
import { fullGc } from './full-gc.js';
import { writeHgrmFiles } from './hgrm-files.js';
import { summarize, type LatencySummary } from './histogram.js';
import { roundOrder, roundShare } from './interleave.js';
import { machineInfo, parseRedisVersion } from './machine.js';
import type { BenchOptions, WorkloadName } from './options.js';
import { createProgress } from './progress.js';
import { REPORT_VERSION, type BenchReport, type HeapReport, type LibraryReport } from './report.js';
import { startMeter } from './resource-meter.js';
import { usageFigures } from './resource-usage.js';
import { evaluateTargets } from './targets.js';
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

/** Unmeasured time per library after the full GC that reads the heap, at most (less when the warm-up is shorter). */
const SETTLE_MS = 1000;

/** Each measured run follows an unmeasured one of the same library this long (a share of the run's operations and time). */
const PRIME_SHARE = 0.1;

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
  const loadAtStart = loadavg();
  const testbed = await openBenchTestbed(options.testbed, options.scenario === 'faults');
  const libraries: LockLibrary[] = [];
  const admins: Redis[] = [];
  try {
    for (const endpoint of testbed.localServers ?? []) admins.push(await openAdminConnection(endpoint));
    const serverAdmins = testbed.localServers ? admins : undefined;
    libraries.push(createRedquorumLibrary(testbed.addresses, options.retry, options.notify));
    if (options.self) libraries.push(createRedquorumLibrary(testbed.addresses, options.retry, options.notify, { name: 'redquorum-self' }));
    if (options.fencing) libraries.push(createRedquorumLibrary(testbed.addresses, options.retry, options.notify, { name: 'redquorum-fencing', fencing: true }));
    for (const other of options.vs) {
      libraries.push(other === 'redlock' ? await createNodeRedlockLibrary(testbed.addresses, options.retry) : createRawLibrary(testbed.addresses, other));
    }
    await Promise.all(libraries.map((library) => library.ready(READY_TIMEOUT_MS)));
    const redisVersion = await readRedisVersion(testbed.addresses[0]);
    const runId = randomBytes(4).toString('hex');
    const keyPrefix = (library: LockLibrary): string => `bench:${runId}:${library.name}`;
    const workload = WORKLOADS[options.workload];
    const phases: Phase[] = options.scenario === 'faults' ? ['no fault', 'fault'] : ['measured'];

    let heapBefore = { beforeBytes: 0, gcExposed: false };
    let heapAfterBytes = 0;
    let loadAtEnd = loadAtStart;
    const records = new Map<LibraryName, Map<Phase, WorkloadSample[]>>();
    for (const library of libraries) records.set(library.name, new Map(phases.map((phase) => [phase, []])));
    // One more round than measured: the first runs exactly as a measured one and is thrown away.
    const progress = createProgress((options.rounds + 1) * libraries.length * phases.length, options.progress, stderr);
    let runIndex = 0;

    // Every run, measured or not, goes through this one path: the same workload call, the
    // same progress callback and the same meter (with its INFO round trips), so that the
    // JIT has seen every function of a measured run before the first one is measured.
    const runOnce = async (library: LockLibrary, phase: Phase, operationsMax: number, durationMs: number, label: string | null): Promise<WorkloadSample> => {
      if (label !== null) {
        progress.startRun(runIndex, label);
        runIndex += 1;
      }
      await setPhase(testbed.faults, phase, options, libraries);
      const startUs = nowUs();
      let done = 0;
      return workload({
        library,
        keyPrefix: keyPrefix(library),
        operationsMax,
        durationMs,
        options,
        onOperation: () => {
          done += 1;
          if (label !== null) progress.update(Math.max(done / operationsMax, (nowUs() - startUs) / 1000 / durationMs));
        },
        startMeter: () => startMeter(serverAdmins),
      });
    };
    /** Runs round `round` in its order; keeps the samples when `keep`. */
    const runRound = async (round: number, keep: boolean): Promise<void> => {
      const operationsMax = roundShare(options.iterations, options.rounds, Math.max(0, round));
      const durationMs = options.durationMs / options.rounds;
      const label = keep ? `round ${round + 1}/${options.rounds}` : 'warm-up round';
      for (const library of roundOrder(libraries, round)) {
        for (const phase of roundOrder(phases, round)) {
          // The library's own prime: whatever the run before left (young-generation fill,
          // concurrent marking, inline caches of the ioredis code both libraries share) is
          // paid here, by this library's own work, not inside its measured run.
          await runOnce(library, phase, Math.ceil(operationsMax * PRIME_SHARE), durationMs * PRIME_SHARE, null);
          const sample = await runOnce(library, phase, operationsMax, durationMs, `${library.name}${phase === 'measured' ? '' : ` ${phase}`} ${label}`);
          if (keep) records.get(library.name)?.get(phase)?.push(sample);
        }
      }
    };

    try {
      // Warm-up: JIT, connections and script caches, measured by nobody.
      for (const library of libraries) {
        if (options.warmupMs <= 0) break;
        await runOnce(library, phases[0] ?? 'measured', options.iterations, options.warmupMs, null);
      }
      // Heap after warm-up and before the rounds, and again after them, both with the
      // clients open: what the measured operations themselves left behind.
      heapBefore = heapUsedBytes();
      // A full GC leaves V8's young generation at its smallest; the run right after it
      // collected more often and measured up to twice the client CPU per cycle of later
      // rounds. Every library runs unmeasured again until the heap has grown back.
      for (const library of libraries) {
        const settleMs = Math.min(options.warmupMs, SETTLE_MS);
        if (settleMs <= 0) break;
        await runOnce(library, phases[0] ?? 'measured', options.iterations, settleMs, null);
      }
      // Round -1, run as a measured round and thrown away. Without it the first measured
      // run of a process (round 0, always the first library's) took 20-38% more client CPU
      // per cycle than the same code in later rounds, with the same allocation and GC pause
      // per cycle: work off the measured path's books, most likely the JIT compiling what
      // only a measured run calls (the meter's INFO reads, the progress callback);
      // `process.cpuUsage` counts every thread. That put "redquorum" 2-8% above
      // "redquorum-self" in every `--self` run.
      await runRound(-1, false);
      for (let round = 0; round < options.rounds; round += 1) await runRound(round, true);
      loadAtEnd = loadavg();
      heapAfterBytes = heapUsedBytes().beforeBytes;
    } finally {
      progress.stop();
      if (testbed.faults) await testbed.faults.heal();
    }

    const built = libraries.map((library) => libraryReport(library.name, options, records.get(library.name) ?? new Map()));
    const reports = built.map((entry) => entry.report);
    const [ours, ...others] = reports;
    const comparisons = ours
      ? others.map((theirs) => ({ theirs: theirs.library, ratios: compareFigures(ours.figures, theirs.figures, { ours: ours.rounds, theirs: theirs.rounds }) }))
      : [];
    const heap = { ...heapBefore, afterBytes: heapAfterBytes } satisfies HeapReport;
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
        self: options.self,
        fencing: options.fencing,
      },
      machine: machineInfo(redisVersion),
      load: { start: loadAtStart, end: loadAtEnd },
      startedAt,
      libraries: reports,
      ratios: comparisons[0]?.ratios ?? [],
      comparisons,
      heap,
      targets: evaluateTargets({ workload: options.workload, fault: options.fault ?? null, notify: options.notify ?? null, libraries: reports, heap }),
    };
    const hgrmPaths =
      options.hgrmPath === undefined
        ? []
        : writeHgrmFiles(
            options.hgrmPath,
            built.flatMap(({ report: { library }, merged }) =>
              [...merged].flatMap(([phase, sample]) =>
                Object.entries(sample.histograms).map(([name, histogram]) => ({ library, name: phaseName(phase, name), histogram })),
              ),
            ),
          );
    return { report, hgrmPaths };
  } finally {
    await Promise.allSettled(libraries.map((library) => library.close()));
    for (const admin of admins) admin.disconnect();
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

function libraryReport(
  library: LibraryName,
  options: BenchOptions,
  byPhase: Map<Phase, WorkloadSample[]>,
): { report: LibraryReport; merged: Map<Phase, WorkloadSample> } {
  const workload = options.workload;
  const rounds: Figure[][] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const thisRound = new Map<Phase, WorkloadSample>();
    for (const [phase, list] of byPhase) {
      const sample = list[round];
      if (sample) thisRound.set(phase, sample);
    }
    rounds.push(phaseFigures(workload, thisRound));
  }
  const merged = new Map<Phase, WorkloadSample>();
  for (const [phase, list] of byPhase) {
    const sample = createSample([], options.workers);
    for (const round of list) mergeSample(sample, round);
    merged.set(phase, sample);
  }
  const histograms: Record<string, LatencySummary> = {};
  const total = createSample([], 0);
  for (const [phase, sample] of merged) {
    for (const [name, histogram] of Object.entries(sample.histograms)) histograms[phaseName(phase, name)] = summarize(histogram);
    mergeSample(total, { ...sample, histograms: {} });
  }
  return {
    report: {
      library,
      figures: phaseFigures(workload, merged),
      rounds,
      usage: total.usage,
      histograms,
      operations: total.operations,
      elapsedMs: total.elapsedMs,
      errors: total.errors,
      perWorker: workload === 'contention' ? total.perWorker : [],
    },
    merged,
  };
}

/** A library's figures over its phases (named `no fault: ...`, `fault: ...` under faults). */
function phaseFigures(workload: WorkloadName, byPhase: ReadonlyMap<Phase, WorkloadSample>): Figure[] {
  const figures: Figure[] = [];
  for (const [phase, sample] of byPhase) {
    const prefix = phase === 'measured' ? '' : `${phase}: `;
    const own = [...workloadFigures(workload, sample), ...usageFigures(sample.usage, sample.operations)];
    figures.push(...own.map((figure) => ({ ...figure, name: prefix + figure.name })));
  }
  const noFault = byPhase.get('no fault');
  const fault = byPhase.get('fault');
  if (noFault && fault) figures.push(faultStretch(workload, noFault, fault));
  return figures;
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
  fullGc();
  return { beforeBytes: process.memoryUsage().heapUsed, gcExposed: true };
}

export type { BenchTestbed };
