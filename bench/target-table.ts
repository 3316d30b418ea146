import { formatBytes, formatSpread } from './figure-table.js';
import type { TargetRow } from './targets.js';
import { formatTextTable } from './text-table.js';

/**
 * The targets with their verdicts: `met`, `missed`, or `n/a` with what the run lacks.
 * `(within noise)` marks a verdict whose bound lies inside the per-round spread. Pure.
 */
export function formatTargetTable(rows: readonly TargetRow[]): string {
  if (rows.length === 0) return 'Targets: none apply to this run';
  return formatTextTable(['target', 'bound', 'measured', 'per round', 'verdict'], formatTargetRows(rows), ['left', 'right', 'right', 'right', 'left']);
}

/** The cells of the target table, for the text and markdown printers. Pure. */
export function formatTargetRows(rows: readonly TargetRow[]): string[][] {
  const show = (value: number, unit: TargetRow['unit']): string => (unit === 'B' ? formatBytes(value) : `${value.toFixed(2)}x`);
  return rows.map((row) => [
    row.target,
    row.target.startsWith('self check') ? '1.00 in spread' : `${row.direction === 'at most' ? '≤' : '≥'} ${show(row.bound, row.unit)}`,
    row.value === null ? 'n/a' : show(row.value, row.unit),
    formatSpread(row.spread),
    row.status === 'n/a' ? `n/a (${row.note ?? 'not measured'})` : `${row.status}${row.withinNoise ? ' (within noise)' : ''}`,
  ]);
}
