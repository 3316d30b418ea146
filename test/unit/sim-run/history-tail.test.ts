import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryTail } from '../../../sim/run/history-tail.js';

const op = (lockId: string, timeMs: number): string =>
  JSON.stringify({ kind: 'op', type: 'invoke', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId, timeMs });

describe('HistoryTail (reading histories while they are written)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redquorum-tail-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns each complete line once, keeps a partial last line for the next read, and skips files not yet created', () => {
    const path = join(dir, 'w0.jsonl');
    const tail = new HistoryTail([path, join(dir, 'not-yet.jsonl')]);
    expect(tail.readNew()).toEqual([]);
    const second = op('b', 2);
    writeFileSync(path, `${op('a', 1)}\n${second.slice(0, 20)}`);
    expect(tail.readNew().map((e) => (e.kind === 'op' ? e.lockId : ''))).toEqual(['a']);
    appendFileSync(path, `${second.slice(20)}\n{not json}\n`);
    expect(tail.readNew().map((e) => (e.kind === 'op' ? e.lockId : ''))).toEqual(['b']);
    expect(tail.malformed).toBe(1);
    expect(tail.readNew()).toEqual([]);
  });
});
