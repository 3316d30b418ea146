import type { LatencySummary } from './histogram.js';
import type { TimeUnit } from './options.js';

/** Above this p99 the auto unit switches from µs to ms, so that columns stay narrow. */
const AUTO_MS_ABOVE_US = 10_000;

/** The unit a table uses: the requested one, or for 'auto' the one that suits its values. */
export function chooseUnit(summaries: readonly LatencySummary[], unit: TimeUnit): 'us' | 'ms' {
  if (unit !== 'auto') return unit;
  return summaries.some((summary) => summary.p99Us >= AUTO_MS_ABOVE_US) ? 'ms' : 'us';
}

export function unitLabel(unit: 'us' | 'ms'): string {
  return unit === 'us' ? 'µs' : 'ms';
}

/** A duration in the chosen unit, without the unit: `383` µs or `1.60` ms. */
export function formatDuration(durationUs: number, unit: 'us' | 'ms'): string {
  if (unit === 'us') return Math.round(durationUs).toLocaleString('en-US');
  const ms = durationUs / 1000;
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** A duration with the unit that suits it, for prose: `383 µs`, `1.60 ms`, `2.1 s`. */
export function formatDurationAuto(durationUs: number): string {
  if (durationUs < 1000) return `${Math.round(durationUs)} µs`;
  if (durationUs < 1_000_000) return `${formatDuration(durationUs, 'ms')} ms`;
  return `${(durationUs / 1_000_000).toFixed(2)} s`;
}
