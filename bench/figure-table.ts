import type { Figure, FigureRatio, Spread } from './figures.js';
import { formatTextTable } from './text-table.js';
import { formatDurationAuto } from './time-format.js';

/** A figure's value for a table: `383 µs`, `3,100/s`, `1.42x`, `12`. */
export function formatFigureValue(value: number, unit: Figure['unit']): string {
  if (Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return '∞';
  switch (unit) {
    case 'µs':
      return formatDurationAuto(value);
    case '/s':
      return `${Math.round(value).toLocaleString('en-US')}/s`;
    case 'x':
      return `${value.toFixed(2)}x`;
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    case 'B':
      return formatBytes(value);
  }
}

/** `512 B`, `43.6 KiB`, `8.05 MiB`. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${Math.round(bytes)} B`;
  if (abs < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** A spread of ratios for a table: `0.95-1.08`, or `-` when there is none. */
export function formatSpread(spread: Spread | null): string {
  return spread === null ? '-' : `${spread.min.toFixed(2)}-${spread.max.toFixed(2)}`;
}

/** One library's figures, two columns. */
export function formatFigureTable(library: string, figures: readonly Figure[]): string {
  return formatTextTable(
    ['figure', library, 'better when'],
    figures.map((f) => [f.name, formatFigureValue(f.value, f.unit), f.better]),
    ['left', 'right', 'left'],
  );
}

/**
 * Both libraries side by side with ours/theirs. `per round` is the range of the
 * per-round ratios, the noise to read the ratio with. `better when` says which way a
 * ratio wins: below 1 for times, above 1 for rates; `favours` reads it out.
 */
export function formatRatioTable(ours: string, theirs: string, ratios: readonly FigureRatio[]): string {
  return formatTextTable(
    ['figure', ours, theirs, `${ours}/${theirs}`, 'per round', 'better when', 'favours'],
    ratios.map((r) => [...ratioCells(r), r.verdict === 'ours' ? ours : r.verdict === 'theirs' ? theirs : r.verdict]),
    ['left', 'right', 'right', 'right', 'right', 'left', 'left'],
  );
}

/** One ratio row's cells, the same in the text and markdown tables: figure, ours, theirs, ratio, per round, better when. */
export function ratioCells(r: FigureRatio): string[] {
  return [
    r.name,
    formatFigureValue(r.ours, r.unit),
    formatFigureValue(r.theirs, r.unit),
    r.ratio === null ? 'n/a' : `${r.ratio.toFixed(2)}x`,
    formatSpread(r.spread),
    r.better === 'lower' ? 'ratio < 1' : 'ratio > 1',
  ];
}
