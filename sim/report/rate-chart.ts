import { findOverlaps } from '../checker/mutex.js';
import { holdWindows } from '../checker/hold-windows.js';
import { percentile } from '../checker/percentile.js';
import { faultWindows, type FaultWindow } from '../history/fault-windows.js';
import type { HistoryEvent } from '../history/types.js';
import { escapeHtml } from './escape.js';

/** Per client group, per time bucket: acquisitions per second and acquire latency p50. */
export interface RateModel {
  readonly originMs: number;
  readonly endMs: number;
  readonly bucketMs: number;
  readonly groups: readonly number[];
  /** [group index][bucket]: successful acquisitions per second. */
  readonly perSecond: readonly (readonly number[])[];
  /** [group index][bucket]: p50 acquire latency (ms) of the successes, null when none. */
  readonly p50Ms: readonly (readonly (number | null)[])[];
  readonly faults: readonly FaultWindow[];
  /** When each lock violation began. */
  readonly violationsMs: readonly number[];
}

// Buckets per run: enough to see a fault window of a few hundred ms, few enough to stay small.
const BUCKETS_MAX = 160;
const BUCKET_MS_MIN = 50;

/** The rates of a whole history, bucketed. Pure. */
export function rateModel(history: readonly HistoryEvent[]): RateModel {
  let originMs = Infinity;
  let endMs = -Infinity;
  for (const event of history) {
    originMs = Math.min(originMs, event.timeMs);
    endMs = Math.max(endMs, event.timeMs);
  }
  if (!Number.isFinite(originMs)) originMs = endMs = 0;
  const spanMs = Math.max(1, endMs - originMs);
  const bucketMs = Math.max(BUCKET_MS_MIN, Math.ceil(spanMs / BUCKETS_MAX));
  const buckets = Math.max(1, Math.ceil(spanMs / bucketMs));
  const groups = [...new Set(history.flatMap((e) => (e.kind === 'op' ? [e.group] : [])))].sort((a, b) => a - b);
  const counts = groups.map(() => Array.from({ length: buckets }, () => 0));
  const latencies = groups.map(() => Array.from({ length: buckets }, (): number[] => []));
  const invokes = new Map<string, number>();
  for (const event of history) {
    if (event.kind !== 'op' || event.f !== 'acquire') continue;
    const key = `${event.worker}\u0000${event.lockId}`;
    if (event.type === 'invoke') invokes.set(key, event.timeMs);
    else if (event.type === 'ok') {
      const g = groups.indexOf(event.group);
      const b = Math.min(buckets - 1, Math.floor((event.timeMs - originMs) / bucketMs));
      (counts[g] as number[])[b] = ((counts[g] as number[])[b] ?? 0) + 1;
      const invokeMs = invokes.get(key);
      if (invokeMs !== undefined) (latencies[g] as number[][])[b]?.push(event.timeMs - invokeMs);
    }
  }
  let violationsMs: number[] = [];
  try {
    violationsMs = findOverlaps(holdWindows(history)).map((v) => v.overlapStartMs);
  } catch {
    // A malformed history has no violations to mark; the checkers say why.
  }
  return {
    originMs,
    endMs,
    bucketMs,
    groups,
    perSecond: counts.map((row) => row.map((count) => (count * 1000) / bucketMs)),
    p50Ms: latencies.map((row) => row.map((samples) => percentile(samples, 50))),
    faults: faultWindows(history),
    violationsMs,
  };
}

const GROUP_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const PANEL_PX = 90;
const STRIP_PX = 18;
const GUTTER_PX = 70;

/**
 * Two panels over the whole run, one line per client group: acquisitions per second,
 * and acquire latency p50; fault windows shaded behind both, and a strip under them with
 * every lock violation as a red tick. Pure: returns the SVG.
 */
export function renderRateSvg(model: RateModel, options: { readonly widthPx: number; readonly ariaLabel: string }): string {
  const { widthPx } = options;
  const plotPx = widthPx - GUTTER_PX - 10;
  const x = (ms: number): number => GUTTER_PX + ((ms - model.originMs) / Math.max(1, model.endMs - model.originMs)) * plotPx;
  const heightPx = 2 * (PANEL_PX + 16) + STRIP_PX + 30;
  const out: string[] = [
    `<svg class="rates" viewBox="0 0 ${widthPx} ${heightPx}" width="${widthPx}" height="${heightPx}" role="img" aria-label="${escapeHtml(options.ariaLabel)}">`,
  ];
  const f = (n: number): string => n.toFixed(1);
  for (const fault of model.faults) {
    const x0 = x(fault.startMs);
    const x1 = x(fault.stopMs ?? model.endMs);
    out.push(`<rect class="fault" x="${f(x0)}" y="0" width="${f(Math.max(1, x1 - x0))}" height="${heightPx - 20}"><title>${escapeHtml(`fault ${fault.name}: ${fault.detail}`)}</title></rect>`);
  }
  const panel = (top: number, label: string, rows: readonly (readonly (number | null)[])[]): void => {
    const max = Math.max(1, ...rows.flatMap((row) => row.filter((v): v is number => v !== null)));
    const y = (v: number): number => top + PANEL_PX - (v / max) * PANEL_PX;
    out.push(`<text class="lane-label" x="${GUTTER_PX - 6}" y="${f(top + 10)}" text-anchor="end">${escapeHtml(label)}</text>`);
    out.push(`<text class="tick-label" x="${GUTTER_PX - 6}" y="${f(top + 24)}" text-anchor="end">max ${max < 10 ? max.toFixed(1) : Math.round(max)}</text>`);
    out.push(`<line class="axis" x1="${GUTTER_PX}" y1="${f(top + PANEL_PX)}" x2="${GUTTER_PX + plotPx}" y2="${f(top + PANEL_PX)}"/>`);
    rows.forEach((row, g) => {
      const points = row.flatMap((v, b) => (v === null ? [] : [`${f(x(model.originMs + (b + 0.5) * model.bucketMs))},${f(y(v))}`]));
      if (points.length === 0) return;
      out.push(`<polyline fill="none" stroke="${GROUP_COLOURS[g % GROUP_COLOURS.length]}" stroke-width="1.5" points="${points.join(' ')}"><title>group ${model.groups[g]}</title></polyline>`);
    });
  };
  panel(4, 'acq/s', model.perSecond);
  panel(4 + PANEL_PX + 16, 'p50 ms', model.p50Ms);
  const stripTop = 2 * (PANEL_PX + 16) + 4;
  out.push(`<text class="lane-label" x="${GUTTER_PX - 6}" y="${f(stripTop + 12)}" text-anchor="end">violations</text>`);
  out.push(`<rect class="strip" x="${GUTTER_PX}" y="${f(stripTop)}" width="${f(plotPx)}" height="${STRIP_PX}" fill="#f4f4f4"/>`);
  for (const ms of model.violationsMs) out.push(`<line stroke="#c0121b" stroke-width="1.5" x1="${f(x(ms))}" y1="${f(stripTop)}" x2="${f(x(ms))}" y2="${f(stripTop + STRIP_PX)}"/>`);
  const legendY = heightPx - 6;
  model.groups.forEach((group, g) => {
    out.push(`<text x="${f(GUTTER_PX + g * 90)}" y="${legendY}" fill="${GROUP_COLOURS[g % GROUP_COLOURS.length]}">group ${group}</text>`);
  });
  out.push(`<text class="tick-label" x="${f(GUTTER_PX + plotPx)}" y="${legendY}" text-anchor="end">${((model.endMs - model.originMs) / 1000).toFixed(1)} s, ${model.bucketMs} ms buckets; shaded: fault windows</text>`);
  out.push('</svg>');
  return out.join('\n');
}
