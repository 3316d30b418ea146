/**
 * A history that does not follow sim/history/types.ts. Checkers throw it, so that
 * `runChecker` turns a malformed history into "unknown" instead of a pass.
 */
export class HistoryFormatError extends Error {
  override readonly name = 'HistoryFormatError';
}

/**
 * One line of a JSONL history that could not be parsed or validated. `lineNumber` is
 * 1-based, as editors show it.
 */
export class HistoryParseError extends Error {
  override readonly name = 'HistoryParseError';
  readonly lineNumber: number;
  readonly source: string;

  constructor(source: string, lineNumber: number, message: string, options?: { cause?: unknown }) {
    super(`${source}:${lineNumber}: ${message}`, options);
    this.lineNumber = lineNumber;
    this.source = source;
  }
}
