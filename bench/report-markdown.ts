import { ratioCells } from './figure-table.js';
import type { FigureRatio } from './figures.js';
import { formatMarkdownTable } from './markdown-table.js';
import type { BenchReport } from './report.js';
import { formatTargetRows } from './target-table.js';
import { formatDurationAuto } from './time-format.js';

/**
 * The report as markdown, for BENCHMARKS.md: the percentiles, one ratio table per other
 * library with the per-round spread next to every ratio, and the targets. Pure.
 */
export function formatReportMarkdown(report: BenchReport): string {
  const percentiles = formatMarkdownTable(
    ['histogram', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    report.libraries.flatMap((library) =>
      Object.entries(library.histograms).map(([name, s]) => [
        `${library.library} ${name}`,
        s.count.toLocaleString('en-US'),
        ...[s.p50Us, s.p90Us, s.p99Us, s.p999Us, s.maxUs].map((us) => (s.count === 0 ? '-' : formatDurationAuto(us))),
      ]),
    ),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const ours = report.libraries[0]?.library ?? 'redquorum';
  const ratios = report.comparisons.map(({ theirs, ratios: rows }) => ratioTable(ours, theirs, rows));
  const targets =
    report.targets.length === 0
      ? 'No target applies to this run.'
      : formatMarkdownTable(['target', 'bound', 'measured', 'per round', 'verdict'], formatTargetRows(report.targets), ['left', 'right', 'right', 'right', 'left']);
  const heap = `Heap used after a full GC: ${mib(report.heap.beforeBytes)} after warm-up, ${mib(report.heap.afterBytes)} after the rounds.`;
  const load = `Load average (1 min): ${report.load.start[0]?.toFixed(1) ?? 'unknown'} at the start, ${report.load.end[0]?.toFixed(1) ?? 'unknown'} after the rounds, on ${report.machine.nproc} CPU.`;
  return [percentiles, ...ratios, targets, `${heap} ${load}`].join('\n\n');
}

function ratioTable(ours: string, theirs: string, rows: readonly FigureRatio[]): string {
  return formatMarkdownTable(
    ['figure', ours, theirs, `${ours} / ${theirs}`, 'per round', 'better when'],
    rows.map(ratioCells),
    ['left', 'right', 'right', 'right', 'right', 'left'],
  );
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
