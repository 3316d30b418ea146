import type { Histogram } from 'hdr-histogram-js';
import { createHistogramUs } from '../histogram.js';
import { addUsage, ZERO_USAGE, type ResourceUsage } from '../resource-usage.js';

/** What one library did in one or more measured runs of a workload. Mergeable across rounds. */
export interface WorkloadSample {
  /** Named duration histograms in µs, e.g. `cycle`, `acquire`, `wait`. */
  readonly histograms: Record<string, Histogram>;
  /** Completed operations (cycles, or acquisitions under contention). */
  operations: number;
  /** Measured wall time, in ms, summed over rounds. */
  elapsedMs: number;
  /** Operations that threw (an acquire that gave up, a failed release). */
  errors: number;
  /** Successful acquires that needed more than one attempt. */
  retried: number;
  /** Operations completed per worker (contention), for fairness. */
  readonly perWorker: number[];
  /** What the measured loop cost (CPU, allocation, GC, servers). */
  usage: ResourceUsage;
}

export function createSample(histogramNames: readonly string[], workerCount = 0): WorkloadSample {
  const histograms: Record<string, Histogram> = {};
  for (const name of histogramNames) histograms[name] = createHistogramUs();
  return { histograms, operations: 0, elapsedMs: 0, errors: 0, retried: 0, perWorker: new Array<number>(workerCount).fill(0), usage: ZERO_USAGE };
}

/** Adds a round's sample into the running total. */
export function mergeSample(total: WorkloadSample, round: WorkloadSample): void {
  for (const [name, histogram] of Object.entries(round.histograms)) {
    const target = total.histograms[name];
    if (target) {
      target.add(histogram);
    } else {
      // A copy: the round's own histogram must keep its own figures.
      const copy = createHistogramUs();
      copy.add(histogram);
      total.histograms[name] = copy;
    }
  }
  total.operations += round.operations;
  total.elapsedMs += round.elapsedMs;
  total.errors += round.errors;
  total.retried += round.retried;
  total.usage = addUsage(total.usage, round.usage);
  round.perWorker.forEach((count, index) => {
    total.perWorker[index] = (total.perWorker[index] ?? 0) + count;
  });
}
