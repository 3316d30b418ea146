import { formatFigureTable, formatRatioTable } from './figure-table.js';
import { formatPercentileChart } from './percentile-chart.js';
import { formatPercentileTable, type PercentileRow } from './percentile-table.js';
import type { TimeUnit } from './options.js';
import type { BenchReport } from './report.js';
import { formatTargetTable } from './target-table.js';
import { PRIMARY_HISTOGRAM } from './workload-figures.js';

/** The whole terminal report: header, percentile table, chart, figures and ratios. Pure. */
export function formatReport(report: BenchReport, unit: TimeUnit): string {
  const { machine, settings } = report;
  const fault =
    report.fault === null ? '' : report.fault.kind === 'latency' ? ` under +${report.fault.latencyMs} ms on ${report.fault.nodeCount} of ${report.nodeCount} nodes` : ` with ${report.fault.nodeCount} of ${report.nodeCount} nodes down`;
  const header = [
    `redquorum bench ${report.scenario}${report.scenario === 'faults' ? ` (${report.workload})` : ''}${fault}`,
    `testbed: ${report.testbed}; ${settings.rounds} interleaved round(s); ${machine.nproc} CPU ${machine.cpuModel}; node ${machine.node}; redis ${machine.redisVersion ?? 'unknown'}`,
    `settings: ${describeSettings(report)}`,
    `load average (1 min): ${formatLoad(report.load.start)} at the start, ${formatLoad(report.load.end)} after the rounds, on ${machine.nproc} CPU`,
  ];
  const rows: PercentileRow[] = report.libraries.flatMap((library) =>
    Object.entries(library.histograms).map(([name, summary]) => ({ label: `${library.library} ${name}`, summary })),
  );
  const primary = PRIMARY_HISTOGRAM[report.workload];
  const chartSeries = report.libraries.flatMap((library) =>
    Object.entries(library.histograms)
      .filter(([name]) => name === primary || name.endsWith(`/${primary}`))
      .map(([name, summary]) => ({ label: `${library.library} ${name}`, summary })),
  );
  const [ours] = report.libraries;
  const figures =
    ours && report.comparisons.length > 0
      ? report.comparisons.map((comparison) => formatRatioTable(ours.library, comparison.theirs, comparison.ratios)).join('\n\n')
      : report.libraries.map((library) => formatFigureTable(library.library, library.figures)).join('\n\n');
  const heap = `heap used: ${mb(report.heap.beforeBytes)} after warm-up, ${mb(report.heap.afterBytes)} after the rounds${report.heap.gcExposed ? ' (after full GC)' : ' (run node --expose-gc for figures after a full GC)'}`;
  return [
    header.join('\n'),
    `Percentiles (HdrHistogram)\n${formatPercentileTable(rows, unit)}`,
    formatPercentileChart(`${primary} time by percentile`, chartSeries),
    `Figures${report.comparisons.length > 0 ? ' (per round: the lowest and highest of the per-round ratios, the noise to read each ratio with)' : ''}\n${figures}`,
    heap,
    `Targets (same-run ratios)\n${formatTargetTable(report.targets)}`,
  ].join('\n\n');
}

function describeSettings(report: BenchReport): string {
  const s = report.settings;
  const parts = [`ttl ${s.ttlMs} ms`, `at most ${s.iterations.toLocaleString('en-US')} ops and ${s.durationMs / 1000} s per library`, `warm-up ${s.warmupMs / 1000} s`];
  if (report.workload === 'throughput') parts.push(`${s.concurrency} lockers`);
  if (report.workload === 'contention') parts.push(`${s.workers} workers, hold ${s.holdMs} ms, think ${s.thinkMs} ms`);
  const retry = Object.entries(s.retry).map(([key, value]) => `${key} ${String(value)}`);
  parts.push(retry.length > 0 ? retry.join(', ') : 'each library\'s default retry settings');
  if (s.notify !== null) parts.push(`redquorum releaseNotifications ${String(s.notify)}`);
  if (s.self) parts.push('redquorum-self: a second, independent redquorum');
  if (s.fencing) parts.push('redquorum-fencing: redquorum with fencing on');
  return parts.join('; ');
}

function formatLoad(loads: readonly number[]): string {
  const [oneMinute] = loads;
  return oneMinute === undefined ? 'unknown' : oneMinute.toFixed(1);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
