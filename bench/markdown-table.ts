import type { Align } from './text-table.js';

/** A GitHub-flavoured markdown table; `|` inside a cell is escaped. Pure. */
export function formatMarkdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${header.map((_, column) => (align[column] === 'right' ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
