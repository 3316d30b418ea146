import type { Figure } from './figures.js';
import { summarize } from './histogram.js';
import type { WorkloadName } from './options.js';
import type { WorkloadSample } from './workloads/workload-sample.js';

/** The histogram a workload's headline percentiles come from. */
export const PRIMARY_HISTOGRAM: Record<WorkloadName, string> = {
  latency: 'acquire',
  throughput: 'cycle',
  contention: 'wait',
};

/** The figures a workload reports, computed from its merged sample. Pure. */
export function workloadFigures(workload: WorkloadName, sample: WorkloadSample): Figure[] {
  const seconds = sample.elapsedMs / 1000;
  const perSecond = seconds > 0 ? sample.operations / seconds : 0;
  const percentiles = (name: string): Figure[] => {
    const histogram = sample.histograms[name];
    if (!histogram) return [];
    const s = summarize(histogram);
    return [
      { name: `${name} p50`, value: s.p50Us, unit: 'µs', better: 'lower' },
      { name: `${name} p99`, value: s.p99Us, unit: 'µs', better: 'lower' },
      { name: `${name} p99.9`, value: s.p999Us, unit: 'µs', better: 'lower' },
    ];
  };
  const errors: Figure = { name: workload === 'contention' ? 'acquire calls that gave up' : 'errors', value: sample.errors, unit: 'count', better: 'lower' };
  // On distinct keys a retry means an attempt failed without contention: a node timed out.
  const retried: Figure = { name: 'acquires that retried', value: sample.retried, unit: 'count', better: 'lower' };
  switch (workload) {
    case 'latency':
      return [
        ...percentiles('cycle'),
        ...percentiles('acquire'),
        { name: 'cycles/s', value: perSecond, unit: '/s', better: 'higher' },
        retried,
        errors,
      ];
    case 'throughput':
      return [{ name: 'acquire+release/s', value: perSecond, unit: '/s', better: 'higher' }, ...percentiles('cycle'), retried, errors];
    case 'contention':
      return [
        { name: 'acquisitions/s', value: perSecond, unit: '/s', better: 'higher' },
        ...percentiles('wait'),
        { name: 'fairness max/min', value: fairness(sample.perWorker), unit: 'x', better: 'lower' },
        errors,
      ];
  }
}

/**
 * Most acquisitions by one worker over fewest by another: 1 is perfectly fair. A worker
 * that never got the lock makes it infinite (JSON: null).
 */
export function fairness(perWorker: readonly number[]): number {
  if (perWorker.length === 0) return Number.NaN;
  const most = Math.max(...perWorker);
  const fewest = Math.min(...perWorker);
  if (fewest === 0) return most === 0 ? Number.NaN : Number.POSITIVE_INFINITY;
  return most / fewest;
}

/** The faults scenario's extra figure: how much the fault stretched the primary p99. */
export function faultStretch(workload: WorkloadName, noFault: WorkloadSample, fault: WorkloadSample): Figure {
  const name = PRIMARY_HISTOGRAM[workload];
  const before = noFault.histograms[name];
  const after = fault.histograms[name];
  const p99Before = before && before.totalCount > 0 ? before.getValueAtPercentile(99) : 0;
  const p99After = after && after.totalCount > 0 ? after.getValueAtPercentile(99) : 0;
  return {
    name: `${name} p99 fault / no fault`,
    value: p99Before > 0 ? p99After / p99Before : Number.NaN,
    unit: 'x',
    better: 'lower',
  };
}
