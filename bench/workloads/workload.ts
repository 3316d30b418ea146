import type { LockLibrary } from '../libraries/lock-library.js';
import type { RunningMeter } from '../resource-meter.js';
import type { BenchOptions } from '../options.js';
import type { WorkloadSample } from './workload-sample.js';

/** One bounded run of a workload for one library. */
export interface WorkloadRun {
  readonly library: LockLibrary;
  /** Keys are namespaced per library so that the two never contend with each other. */
  readonly keyPrefix: string;
  /** At most this many operations. */
  readonly operationsMax: number;
  /** At most this long, in ms; operations in flight at the deadline finish, no new one starts. */
  readonly durationMs: number;
  readonly options: BenchOptions;
  /** Called after each completed operation, for the progress bar. */
  readonly onOperation: () => void;
  /**
   * Starts the resource meter. A workload calls it right before its loop and stops it
   * right after, so that setting up the run (histograms) is not charged to the cycles.
   */
  readonly startMeter: () => Promise<RunningMeter>;
}

export type Workload = (run: WorkloadRun) => Promise<WorkloadSample>;

/** Microseconds on the monotonic clock. */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}
