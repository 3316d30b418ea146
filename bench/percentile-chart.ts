import type { LatencySummary } from './histogram.js';
import { formatDurationAuto } from './time-format.js';

export interface ChartSeries {
  readonly label: string;
  readonly summary: LatencySummary;
}

/** Bar width in characters at the top of the scale. */
const BAR_WIDTH = 40;
const PERCENTILES: readonly { readonly name: string; readonly pick: (s: LatencySummary) => number }[] = [
  { name: 'p50', pick: (s) => s.p50Us },
  { name: 'p90', pick: (s) => s.p90Us },
  { name: 'p99', pick: (s) => s.p99Us },
  { name: 'p99.9', pick: (s) => s.p999Us },
  { name: 'max', pick: (s) => s.maxUs },
];

/**
 * A percentile chart for the terminal: one bar per percentile and series, on a log scale
 * so that a 400 µs median and a 600 ms tail both stay readable. Returns a string.
 */
export function formatPercentileChart(title: string, series: readonly ChartSeries[]): string {
  const shown = series.filter((s) => s.summary.count > 0);
  if (shown.length === 0) return `${title}: no samples`;
  const values = shown.flatMap((s) => PERCENTILES.map((p) => p.pick(s.summary))).filter((v) => v > 0);
  const lowDecade = Math.floor(Math.log10(Math.min(...values)));
  const highDecade = Math.max(lowDecade + 1, Math.ceil(Math.log10(Math.max(...values))));
  const labelWidth = Math.max(...shown.map((s) => [...s.label].length));
  const lines = [`${title} (log scale, ${formatDurationAuto(10 ** lowDecade)} to ${formatDurationAuto(10 ** highDecade)})`];
  for (const percentile of PERCENTILES) {
    shown.forEach((s, index) => {
      const valueUs = percentile.pick(s.summary);
      const fraction = valueUs <= 0 ? 0 : (Math.log10(valueUs) - lowDecade) / (highDecade - lowDecade);
      const cells = Math.max(valueUs > 0 ? 1 : 0, Math.round(fraction * BAR_WIDTH));
      const name = index === 0 ? percentile.name : '';
      lines.push(
        `${name.padEnd(6)}${s.label.padEnd(labelWidth)} |${'█'.repeat(cells)}${' '.repeat(BAR_WIDTH - cells)}| ${formatDurationAuto(valueUs)}`,
      );
    });
  }
  return lines.join('\n');
}
