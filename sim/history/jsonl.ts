import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { HistoryParseError } from './history-format-error.js';
import type { HistoryEvent } from './types.js';
import { validateHistoryEvent } from './validate-event.js';

/** Options of {@link JsonlHistoryWriter}. */
export interface JsonlWriterOptions {
  /**
   * Buffered bytes (UTF-16 code units, close enough) after which `append` writes the
   * buffer to the file by itself.
   * @default 65536 (64 KiB)
   */
  readonly flushThresholdBytes?: number;
}

const DEFAULT_FLUSH_THRESHOLD_BYTES = 64 * 1024;
const MAX_FLUSH_THRESHOLD_BYTES = 64 * 1024 * 1024;

/**
 * An append-only JSONL history file: one event per line. Appends are buffered in memory
 * and written with synchronous writes, so a worker that calls `flush()` before it exits
 * (or is SIGSTOPped) never leaves half a line behind, and no write is reordered.
 */
export class JsonlHistoryWriter {
  readonly path: string;
  private readonly flushThresholdBytes: number;
  private fd: number | undefined;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private linesWritten = 0;

  /** Opens `path` for appending (creates it if missing; never truncates). */
  constructor(path: string, options: JsonlWriterOptions = {}) {
    const threshold = options.flushThresholdBytes ?? DEFAULT_FLUSH_THRESHOLD_BYTES;
    if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > MAX_FLUSH_THRESHOLD_BYTES) {
      throw new RangeError(
        `flushThresholdBytes must be an integer in [0, ${MAX_FLUSH_THRESHOLD_BYTES}], got ${String(threshold)}`,
      );
    }
    this.path = path;
    this.flushThresholdBytes = threshold;
    this.fd = openSync(path, 'a');
  }

  /** Events appended so far, flushed or not. */
  get eventCount(): number {
    return this.linesWritten + this.buffer.length;
  }

  /** Buffers one event; writes the buffer when it passes the flush threshold. */
  append(event: HistoryEvent): void {
    if (this.fd === undefined) throw new Error(`history ${this.path} is closed; append after close()`);
    // JSON.stringify escapes newlines inside strings, so one event is always one line.
    const line = `${JSON.stringify(event)}\n`;
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= this.flushThresholdBytes) this.flush();
  }

  /** Writes every buffered event to the file. */
  flush(): void {
    if (this.fd === undefined || this.buffer.length === 0) return;
    const text = this.buffer.join('');
    const count = this.buffer.length;
    this.buffer = [];
    this.bufferedBytes = 0;
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    this.linesWritten += count;
  }

  /** Flushes and closes the file. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Options of {@link parseHistoryJsonl}. */
export interface ParseHistoryOptions {
  /** Named in error messages, e.g. the file path. @default "history" */
  readonly source?: string;
  /**
   * Skip a last line that is not valid JSON and has no trailing newline: the mark of a
   * writer killed mid-write (kill -9). Every other malformed line is still an error.
   * @default false
   */
  readonly allowTruncatedLastLine?: boolean;
}

/**
 * Parses and validates a JSONL history. Blank lines are skipped. Throws a
 * HistoryParseError carrying the 1-based line number of the first malformed line.
 */
export function parseHistoryJsonl(text: string, options: ParseHistoryOptions = {}): HistoryEvent[] {
  const source = options.source ?? 'history';
  const lines = text.split('\n');
  const events: HistoryEvent[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').replace(/\r$/, '');
    if (line.trim() === '') continue;
    const lineNumber = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const isLastUnterminated = index === lines.length - 1 && !text.endsWith('\n');
      if (options.allowTruncatedLastLine === true && isLastUnterminated) break;
      throw new HistoryParseError(source, lineNumber, `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    try {
      events.push(validateHistoryEvent(value));
    } catch (error) {
      throw new HistoryParseError(source, lineNumber, (error as Error).message, { cause: error });
    }
  }
  return events;
}

/** Reads, parses and validates a JSONL history file (see {@link parseHistoryJsonl}). */
export function readHistoryFile(path: string, options: Omit<ParseHistoryOptions, 'source'> = {}): HistoryEvent[] {
  return parseHistoryJsonl(readFileSync(path, 'utf8'), { ...options, source: path });
}

/**
 * One time-ordered history from the workers' files and the harness's own events. A file
 * that cannot be read or parsed is named in `problems` (the run's verdict is then
 * unknown) and left out; a worker killed mid-write leaves a truncated last line, which is
 * dropped, and everything else must parse. Events are appended one by one: spread as
 * arguments, one worker's 133,310 events overflowed the stack.
 */
export function readHistories(paths: readonly string[], extra: readonly HistoryEvent[], problems: string[]): HistoryEvent[] {
  const events: HistoryEvent[] = [...extra];
  for (const path of paths) {
    try {
      for (const event of readHistoryFile(path, { allowTruncatedLastLine: true })) events.push(event);
    } catch (error) {
      problems.push(`history ${path}: ${(error as Error).message}`);
    }
  }
  return events.sort((a, b) => a.timeMs - b.timeMs);
}
