import { VERDICT_COLUMNS as COLUMNS } from './verdict-columns.js';
import type { VerdictRow } from './verdict-row.js';

/** Options of {@link renderVerdictTable}. */
export interface VerdictTableOptions {
  /** Colour PASS/FAIL and nonzero safety counts with ANSI escapes. @default false */
  readonly color?: boolean;
  /** Width at which the faults, expected and observed columns wrap, in characters. @default 36 */
  readonly textColumnWidth?: number;
}

const GAP = '  ';
const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const RESET = '\u001b[0m';
const MIN_TEXT_COLUMN_WIDTH = 8;
const MAX_TEXT_COLUMN_WIDTH = 200;

/**
 * The verdict table as aligned plain text, one row per scenario (long text wraps onto
 * more lines), then a totals line. Returns the string; printing is the caller's job.
 */
export function renderVerdictTable(rows: readonly VerdictRow[], options: VerdictTableOptions = {}): string {
  const color = options.color ?? false;
  const textWidth = options.textColumnWidth ?? 36;
  if (!Number.isSafeInteger(textWidth) || textWidth < MIN_TEXT_COLUMN_WIDTH || textWidth > MAX_TEXT_COLUMN_WIDTH) {
    throw new RangeError(
      `textColumnWidth must be an integer in [${MIN_TEXT_COLUMN_WIDTH}, ${MAX_TEXT_COLUMN_WIDTH}], got ${String(textWidth)}`,
    );
  }
  const cells = rows.map((row) => COLUMNS.map((column) => (column.wrap ? wrap(column.cell(row), textWidth) : [column.cell(row)])));
  const widths = COLUMNS.map((column, c) =>
    Math.max(column.header.length, ...cells.map((rowCells) => Math.max(...(rowCells[c] ?? ['']).map((l) => l.length)))),
  );
  const lines: string[] = [];
  lines.push(joinLine(COLUMNS.map((column, c) => pad(column.header, widths[c] ?? 0, column.align))));
  lines.push(joinLine(widths.map((width) => '-'.repeat(width))));
  rows.forEach((row, r) => {
    const rowCells = cells[r] ?? [];
    const height = Math.max(...rowCells.map((lines) => lines.length));
    for (let line = 0; line < height; line += 1) {
      const parts = COLUMNS.map((column, c) => {
        const text = rowCells[c]?.[line] ?? '';
        const padded = pad(text, widths[c] ?? 0, column.align);
        let tint = '';
        if (color && line === 0 && column.alarm?.(row) === true) tint = RED;
        else if (color && line === 0 && column.header === 'verdict') tint = GREEN;
        if (tint === '') return padded;
        // Colour the text only, so padding stays outside the escapes and trims cleanly.
        const spaces = ' '.repeat(padded.length - text.length);
        return column.align === 'left' ? `${tint}${text}${RESET}${spaces}` : `${spaces}${tint}${text}${RESET}`;
      });
      lines.push(joinLine(parts));
    }
  });
  const failed = rows.filter((row) => !row.pass).length;
  lines.push('');
  lines.push(`${rows.length} scenarios: ${rows.length - failed} PASS, ${failed} FAIL`);
  const noted = rows.filter((row) => (row.notes?.length ?? 0) > 0);
  if (noted.length > 0) {
    lines.push('* harness notes:');
    for (const row of noted) for (const note of row.notes ?? []) lines.push(`  ${row.scenario}: ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

function joinLine(parts: readonly string[]): string {
  return parts.join(GAP).trimEnd();
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** Greedy word wrap; a word longer than the width is cut into pieces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let rest = word;
    while (rest.length > width) {
      if (current !== '') {
        lines.push(current);
        current = '';
      }
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (current === '') current = rest;
    else if (current.length + 1 + rest.length <= width) current = `${current} ${rest}`;
    else {
      lines.push(current);
      current = rest;
    }
  }
  if (current !== '' || lines.length === 0) lines.push(current);
  return lines;
}
