import type { MutexViolation } from '../checker/mutex.js';
import { percentile } from '../checker/percentile.js';
import type { HistoryEvent, Op } from '../history/types.js';
import type { EffectExpectation } from '../scenarios/types.js';
import type { AppliedWindow } from './fault-timeline.js';

/** One measured effect of the fault, as the verdict shows it. */
export interface MeasuredEffect {
  /** In words, e.g. "acquisitions that saw node 2 unreachable during crash-delayed". */
  readonly what: string;
  readonly value: number | null;
  readonly min: number;
  readonly ok: boolean;
}

/** How many of the target fault's injections were followed by a lock violation. */
export interface DetectionPower {
  readonly faults: number;
  readonly productive: number;
}

/** Successful acquisitions per client group (index = group). */
export function acquisitionsByGroup(history: readonly HistoryEvent[], groups: number): number[] {
  const counts = Array.from({ length: groups }, () => 0);
  for (const event of history) {
    if (event.kind === 'op' && event.f === 'acquire' && event.type === 'ok' && event.group < groups) counts[event.group] = (counts[event.group] ?? 0) + 1;
  }
  return counts;
}

/** Acquire attempts paired with their completion, with the invoke time. */
function acquireCompletions(history: readonly HistoryEvent[]): { invokeMs: number; completion: Op }[] {
  const invokes = new Map<string, number>();
  const out: { invokeMs: number; completion: Op }[] = [];
  for (const event of history) {
    if (event.kind !== 'op' || event.f !== 'acquire') continue;
    const key = `${event.worker}\u0000${event.lockId}`;
    if (event.type === 'invoke') invokes.set(key, event.timeMs);
    else {
      const invokeMs = invokes.get(key);
      if (invokeMs !== undefined) out.push({ invokeMs, completion: event });
    }
  }
  return out;
}

// A window from its inject to its heal's return: a completion in it may owe to the fault.
const inside = (timeMs: number, windows: readonly AppliedWindow[]): boolean => windows.some((w) => timeMs >= w.startMs && timeMs <= w.healedMs);
// Only while the fault was whole: from its inject's return until its heal began. A heal
// removes toxics proxy by proxy, so an acquisition invoked while it runs may meet healed
// links; the lab's own clients, faster than the heal, made dozens of those per window.
const inForce = (timeMs: number, windows: readonly AppliedWindow[]): boolean => windows.some((w) => timeMs >= w.startMs && timeMs <= w.endMs);

/** Measures each expected effect from the history and the applied fault windows. Pure. */
export function measureEffects(expectations: readonly EffectExpectation[], history: readonly HistoryEvent[], applied: readonly AppliedWindow[]): MeasuredEffect[] {
  return expectations.map((expectation) => {
    switch (expectation.kind) {
      case 'unreachable-during': {
        const windows = applied.filter((w) => w.name === expectation.fault);
        const count = acquireCompletions(history).filter(
          ({ completion }) =>
            inside(completion.timeMs, windows) &&
            (completion.unreachable ?? []).some((node) => expectation.node === undefined || node === expectation.node),
        ).length;
        const min = expectation.min ?? 1;
        const nodeText = expectation.node === undefined ? 'a node' : `node ${expectation.node}`;
        return { what: `acquire attempts that found ${nodeText} failing or timing out during ${expectation.fault}`, value: count, min, ok: count >= min };
      }
      case 'measured': {
        let sum = 0;
        for (const event of history) {
          if (event.kind === 'fault' && event.name === expectation.fault) sum += event.measured?.[expectation.key] ?? 0;
        }
        const min = expectation.min ?? 1;
        return { what: expectation.what, value: sum, min, ok: sum >= min };
      }
      case 'validity-failures': {
        const count = acquireCompletions(history).filter(({ completion }) => completion.type !== 'ok' && /\(validity\)/.test(completion.error ?? '')).length;
        const min = expectation.min ?? 1;
        return { what: 'acquisitions that reached a quorum with no validity left', value: count, min, ok: count >= min };
      }
      case 'acquired-during': {
        const windows = applied.filter((w) => w.name === expectation.fault);
        const maxMs = expectation.maxMs ?? Infinity;
        const count = acquireCompletions(history).filter(
          ({ invokeMs, completion }) => completion.type === 'ok' && inForce(invokeMs, windows) && completion.timeMs - invokeMs < maxMs,
        ).length;
        const min = expectation.min ?? 1;
        const what =
          expectation.maxMs === undefined
            ? `acquisitions during ${expectation.fault}`
            : `acquisitions during ${expectation.fault} that took less than ${expectation.maxMs} ms (no slowed node awaited)`;
        return { what, value: count, min, ok: count >= min };
      }
      case 'slower-during': {
        const windows = applied.filter((w) => w.name === expectation.fault);
        const during: number[] = [];
        const outside: number[] = [];
        for (const { invokeMs, completion } of acquireCompletions(history)) {
          if (completion.type !== 'ok') continue;
          // Invoked during a heal: neither.
          if (inForce(invokeMs, windows)) during.push(completion.timeMs - invokeMs);
          else if (!inside(invokeMs, windows)) outside.push(completion.timeMs - invokeMs);
        }
        const p50During = percentile(during, 50);
        const p50Outside = percentile(outside, 50);
        const ratio = p50During === null || p50Outside === null || p50Outside <= 0 ? null : p50During / p50Outside;
        return { what: `acquire p50 during ${expectation.fault} over p50 outside (ratio)`, value: ratio, min: expectation.min, ok: ratio !== null && ratio >= expectation.min };
      }
    }
  });
}

/**
 * Detection power: of the target fault's injections, how many were followed by a lock
 * violation that began after the injection and before the next one (at most `horizonMs`
 * later). Pure.
 */
export function detectionPower(violations: readonly MutexViolation[], faults: readonly AppliedWindow[], horizonMs: number): DetectionPower {
  const starts = faults.map((f) => f.startMs).sort((a, b) => a - b);
  let productive = 0;
  starts.forEach((startMs, index) => {
    const endMs = Math.min(starts[index + 1] ?? Infinity, startMs + horizonMs);
    if (violations.some((v) => v.overlapStartMs >= startMs && v.overlapStartMs < endMs)) productive += 1;
  });
  return { faults: starts.length, productive };
}

/**
 * Violations that began in the first half of the older holder's validity window: after a
 * forward clock jump of half a TTL there must be none (the jumped key outlives the first half).
 */
export function violationsInFirstHalf(violations: readonly MutexViolation[]): number {
  return violations.filter((v) => {
    const first = v.first;
    if (!first.validityTrusted || first.validUntilMs === undefined) return false;
    // Validity counts from the acquire's start (the spec subtracts the time it took).
    const beganMs = first.invokeMs ?? first.startMs;
    const halfMs = beganMs + (first.validUntilMs - beganMs) / 2;
    return v.overlapStartMs < halfMs;
  }).length;
}

/** Acquire latency of one slice of the attempts. */
export interface LatencySlice {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** One client group's acquire latency, successes and failures apart, inside and outside fault windows. */
export interface GroupLatency {
  readonly group: number;
  readonly okInside: LatencySlice;
  readonly okOutside: LatencySlice;
  readonly failedInside: LatencySlice;
  readonly failedOutside: LatencySlice;
}

/**
 * Acquire latency per client group, successes and failures (fail and info) apart, for
 * attempts invoked inside any fault window and outside all of them (whole-run faults
 * count as inside for the whole run). Pure.
 */
export function latencyByGroup(history: readonly HistoryEvent[], applied: readonly AppliedWindow[], groups: number): GroupLatency[] {
  const samples = Array.from({ length: groups }, () => ({ okInside: [] as number[], okOutside: [] as number[], failedInside: [] as number[], failedOutside: [] as number[] }));
  for (const { invokeMs, completion } of acquireCompletions(history)) {
    const slot = samples[completion.group];
    if (slot === undefined) continue;
    const during = inside(invokeMs, applied);
    const ok = completion.type === 'ok';
    const list = ok ? (during ? slot.okInside : slot.okOutside) : during ? slot.failedInside : slot.failedOutside;
    list.push(completion.timeMs - invokeMs);
  }
  const slice = (values: readonly number[]): LatencySlice => ({ count: values.length, p50Ms: percentile(values, 50), p99Ms: percentile(values, 99) });
  return samples.map((s, group) => ({ group, okInside: slice(s.okInside), okOutside: slice(s.okOutside), failedInside: slice(s.failedInside), failedOutside: slice(s.failedOutside) }));
}
