import type { LatencySummary } from './histogram.js';
import type { TimeUnit } from './options.js';
import { formatTextTable } from './text-table.js';
import { chooseUnit, formatDuration, unitLabel } from './time-format.js';

export interface PercentileRow {
  /** What the row measures, e.g. `redquorum cycle`. */
  readonly label: string;
  readonly summary: LatencySummary;
}

/** The HdrHistogram percentile table: count, p50, p90, p99, p99.9, max and mean per row. */
export function formatPercentileTable(rows: readonly PercentileRow[], unit: TimeUnit): string {
  const chosen = chooseUnit(rows.map((row) => row.summary), unit);
  const u = unitLabel(chosen);
  const header = ['', 'count', `p50 ${u}`, `p90 ${u}`, `p99 ${u}`, `p99.9 ${u}`, `max ${u}`, `mean ${u}`];
  const body = rows.map(({ label, summary }) => [
    label,
    summary.count.toLocaleString('en-US'),
    ...[summary.p50Us, summary.p90Us, summary.p99Us, summary.p999Us, summary.maxUs, summary.meanUs].map((us) =>
      summary.count === 0 ? '-' : formatDuration(us, chosen),
    ),
  ]);
  return formatTextTable(header, body, ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right']);
}
