import { closeSync, openSync, writeSync } from 'node:fs';
import type { HistoryEvent } from '../history/types.js';

/**
 * Appends history events to a JSONL file, one synchronous write per event: a worker can
 * be SIGSTOPped or killed at any moment, and whatever it recorded must already be on disk.
 */
export class HistoryWriter {
  private fd: number | undefined;

  constructor(readonly path: string) {
    // 'w': a run's file starts empty, even if an earlier run used the same folder.
    this.fd = openSync(path, 'w');
  }

  append(event: HistoryEvent): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
