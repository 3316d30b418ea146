import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { HistoryEvent } from '../history/types.js';
import { validateHistoryEvent } from '../history/validate-event.js';

// One read is bounded; a file that grew more than this since the last look is read in turns.
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads the workers' history files while they are still being written: each call
 * returns the complete lines added since the last, keeping a partial last line for the
 * next call. Lines that do not parse are counted, not thrown: the final, complete read
 * after the run is the one the verdict uses.
 */
export class HistoryTail {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  malformed = 0;

  constructor(private readonly paths: readonly string[]) {}

  readNew(): HistoryEvent[] {
    const events: HistoryEvent[] = [];
    for (const path of this.paths) {
      let size: number;
      try {
        size = statSync(path).size;
      } catch {
        continue; // not created yet
      }
      let offset = this.offsets.get(path) ?? 0;
      if (size <= offset) continue;
      const fd = openSync(path, 'r');
      try {
        while (offset < size) {
          const length = Math.min(READ_CHUNK_BYTES, size - offset);
          const buffer = Buffer.alloc(length);
          const read = readSync(fd, buffer, 0, length, offset);
          if (read <= 0) break;
          offset += read;
          const text = (this.partial.get(path) ?? '') + buffer.subarray(0, read).toString('utf8');
          const lines = text.split('\n');
          this.partial.set(path, lines.pop() ?? '');
          for (const line of lines) {
            if (line.trim() === '') continue;
            try {
              events.push(validateHistoryEvent(JSON.parse(line)));
            } catch {
              this.malformed += 1;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      this.offsets.set(path, offset);
    }
    return events;
  }
}
