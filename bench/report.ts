import type { Figure, FigureRatio } from './figures.js';
import type { LatencySummary } from './histogram.js';
import type { LibraryName } from './libraries/lock-library.js';
import type { MachineInfo } from './machine.js';
import type { FaultSpec, RetryOverrides, ScenarioName, WorkloadName } from './options.js';
import type { ResourceUsage } from './resource-usage.js';
import type { TargetRow } from './targets.js';

/**
 * Bumped when a field changes meaning, so that plotting scripts can tell. 2: per-round
 * figures, resource usage, ratio spreads and targets.
 */
export const REPORT_VERSION = 2;

export interface LibraryReport {
  readonly library: LibraryName;
  readonly figures: readonly Figure[];
  /** The same figures for each round alone, in round order: what the spreads come from. */
  readonly rounds: readonly (readonly Figure[])[];
  /** What the measured rounds cost, summed (every phase). */
  readonly usage: ResourceUsage;
  /** Percentiles per histogram, in µs; under faults, named `no fault/<name>` and `fault/<name>`. */
  readonly histograms: Readonly<Record<string, LatencySummary>>;
  readonly operations: number;
  readonly elapsedMs: number;
  readonly errors: number;
  /** Acquisitions per contention worker (empty for other workloads). */
  readonly perWorker: readonly number[];
}

/** Heap used by the whole process (every library run), after warm-up and after the rounds. */
export interface HeapReport {
  readonly beforeBytes: number;
  readonly afterBytes: number;
  /** True when both figures were taken after a full GC (the bench always does so now). */
  readonly gcExposed: boolean;
}

/** What `--json` prints: everything the text report shows, as data. */
export interface BenchReport {
  readonly tool: 'redquorum bench';
  readonly version: typeof REPORT_VERSION;
  readonly scenario: ScenarioName;
  readonly workload: WorkloadName;
  readonly fault: FaultSpec | null;
  readonly testbed: string;
  readonly nodeCount: number;
  readonly settings: {
    readonly iterations: number;
    readonly durationMs: number;
    readonly warmupMs: number;
    readonly rounds: number;
    readonly concurrency: number;
    readonly workers: number;
    readonly holdMs: number;
    readonly thinkMs: number;
    readonly ttlMs: number;
    readonly retry: RetryOverrides;
    /** redquorum's releaseNotifications, when --notify set it. */
    readonly notify: boolean | null;
    /** Whether a second redquorum (--self) and a fencing one (--fencing) ran. */
    readonly self: boolean;
    readonly fencing: boolean;
  };
  readonly machine: MachineInfo;
  /**
   * The 1-, 5- and 15-minute load averages (`os.loadavg()`) when the run started and when
   * its rounds ended: how much else the machine was doing.
   */
  readonly load: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly startedAt: string;
  readonly libraries: readonly LibraryReport[];
  /** ours / theirs per figure against the first --vs library; empty without --vs. */
  readonly ratios: readonly FigureRatio[];
  /** ours / theirs per figure against each --vs library, in --vs order. */
  readonly comparisons: readonly { readonly theirs: LibraryName; readonly ratios: readonly FigureRatio[] }[];
  readonly heap: HeapReport;
  /** The performance targets that apply to this run, met or missed. */
  readonly targets: readonly TargetRow[];
}

/** The report as JSON; non-finite figures (an infinite fairness) become null. */
export function reportToJson(report: BenchReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2);
}
