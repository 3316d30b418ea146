import { HistoryFormatError } from '../history/history-format-error.js';
import { pairOperations, sortByTime } from '../history/history.js';
import type { FaultEvent, HistoryEvent } from '../history/types.js';
import type { KnownCheckResult } from './check-result.js';
import { percentile } from './percentile.js';

/** How long service took to come back after one fault healed. */
export interface Recovery {
  readonly fault: string;
  readonly detail: string;
  readonly stopMs: number;
  /** From the stop to the first acquire ok after it; null if none followed in the history. */
  readonly recoveryMs: number | null;
}

export interface AvailabilityDetails {
  /** Acquire invokes. */
  readonly attempts: number;
  /** Acquire ok: successful acquisitions. */
  readonly acquisitions: number;
  readonly failed: number;
  /** Outcome unknown (info). */
  readonly unknown: number;
  /** Invoked with no completion in the history. */
  readonly pending: number;
  /** acquisitions / attempts in [0, 1]; null when there were no attempts. */
  readonly availability: number | null;
  readonly acquireLatencyP50Ms: number | null;
  readonly acquireLatencyP99Ms: number | null;
  readonly acquireLatencyMaxMs: number | null;
  readonly recoveries: readonly Recovery[];
}

/**
 * Measures liveness: the share of acquire attempts that succeeded, acquire latency
 * (ok - invoke) and, after each fault stop, the time to the next successful acquire.
 * It only measures (always valid); whether the numbers meet a scenario's expectation is
 * the runner's call.
 */
export function checkAvailability(history: readonly HistoryEvent[]): KnownCheckResult<AvailabilityDetails> {
  const { pairs, orphanCompletions } = pairOperations(history, 'acquire');
  const orphan = orphanCompletions[0];
  if (orphan !== undefined) {
    throw new HistoryFormatError(`acquire ${orphan.type} of lockId ${orphan.lockId} (t=${orphan.timeMs}) has no invoke`);
  }
  const latenciesMs: number[] = [];
  const okTimesMs: number[] = [];
  let failed = 0;
  let unknown = 0;
  let pending = 0;
  for (const { invoke, completion } of pairs) {
    if (completion === undefined) pending += 1;
    else if (completion.type === 'ok') {
      latenciesMs.push(completion.timeMs - invoke.timeMs);
      okTimesMs.push(completion.timeMs);
    } else if (completion.type === 'fail') failed += 1;
    else unknown += 1;
  }
  okTimesMs.sort((a, b) => a - b);
  const stops = sortByTime(history).filter((e): e is FaultEvent => e.kind === 'fault' && e.type === 'stop');
  const recoveries = stops.map((stop) => {
    const firstOk = okTimesMs[lowerBound(okTimesMs, stop.timeMs)];
    return {
      fault: stop.name,
      detail: stop.detail,
      stopMs: stop.timeMs,
      recoveryMs: firstOk === undefined ? null : firstOk - stop.timeMs,
    };
  });
  const acquisitions = latenciesMs.length;
  const availability = pairs.length === 0 ? null : acquisitions / pairs.length;
  const p50 = percentile(latenciesMs, 50);
  const p99 = percentile(latenciesMs, 99);
  const share = availability === null ? 'no attempts' : `${(availability * 100).toFixed(1)}% available`;
  const latency = p50 === null || p99 === null ? '' : `, acquire p50 ${p50.toFixed(1)} ms p99 ${p99.toFixed(1)} ms`;
  return {
    name: 'availability',
    valid: true,
    summary: `${acquisitions}/${pairs.length} acquisitions, ${share}${latency}`,
    details: {
      attempts: pairs.length,
      acquisitions,
      failed,
      unknown,
      pending,
      availability,
      acquireLatencyP50Ms: p50,
      acquireLatencyP99Ms: p99,
      acquireLatencyMaxMs: latenciesMs.length === 0 ? null : latenciesMs.reduce((max, ms) => (ms > max ? ms : max), Number.NEGATIVE_INFINITY),
      recoveries,
    },
  };
}

/** Index of the first element >= value in a sorted array (length if none). */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
