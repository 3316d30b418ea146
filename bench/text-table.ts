/** Column alignment: numbers right, labels left. */
export type Align = 'left' | 'right';

/**
 * A plain-text table with a header rule, columns padded to their widest cell. Returns a
 * string so that printers can be tested without a terminal.
 */
export function formatTextTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths = header.map((title, column) =>
    Math.max(width(title), ...rows.map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => pad(cell, widths[column] ?? 0, align[column] ?? 'left'))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

// Characters such as µ and █ are one column wide; count code points, not UTF-16 units.
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, target: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, target - width(text)));
  return align === 'right' ? fill + text : text + fill;
}
