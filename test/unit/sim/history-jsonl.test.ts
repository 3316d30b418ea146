import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  faultWindows,
  HistoryParseError,
  JsonlHistoryWriter,
  pairOperations,
  parseHistoryJsonl,
  readHistoryFile,
  sortByTime,
} from '../../../sim/history/index.js';
import type { HistoryEvent } from '../../../sim/history/index.js';
import { HistoryBuilder, sequentialRun } from './history-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'redquorum-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JsonlHistoryWriter', () => {
  it('writes one event per line, buffered until flush, and appends without truncating', () => {
    const path = join(dir, 'a.jsonl');
    const events = sequentialRun(5, { fenced: true }).events;
    const writer = new JsonlHistoryWriter(path, { flushThresholdBytes: 1_000_000 });
    for (const event of events) writer.append(event);
    expect(readFileSync(path, 'utf8')).toBe('');
    writer.flush();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(events.length + 1);
    writer.append({ kind: 'fault', type: 'start', name: 'partition', detail: 'a "quoted"\nline', timeMs: 1 });
    writer.close();
    writer.close();
    expect(() => writer.append(events[0] as HistoryEvent)).toThrow(/closed/);
    const reopened = new JsonlHistoryWriter(path);
    reopened.append({ kind: 'fault', type: 'stop', name: 'partition', detail: '', timeMs: 2 });
    reopened.close();
    const back = readHistoryFile(path);
    expect(back).toHaveLength(events.length + 2);
    expect(back.slice(0, events.length)).toEqual(events);
    expect(back[events.length]).toMatchObject({ detail: 'a "quoted"\nline' });
  });

  it('flushes by itself past the threshold', () => {
    const path = join(dir, 'b.jsonl');
    const writer = new JsonlHistoryWriter(path, { flushThresholdBytes: 0 });
    writer.append({ kind: 'fault', type: 'start', name: 'x', detail: '', timeMs: 1 });
    expect(readFileSync(path, 'utf8')).toContain('"name":"x"');
    expect(writer.eventCount).toBe(1);
    writer.close();
  });

  it('rejects a bad flush threshold, naming it', () => {
    expect(() => new JsonlHistoryWriter(join(dir, 'c.jsonl'), { flushThresholdBytes: -1 })).toThrow(/flushThresholdBytes/);
  });
});

describe('parseHistoryJsonl', () => {
  const good = '{"kind":"fault","type":"start","name":"p","detail":"","timeMs":1}';
  const op = { kind: 'op', type: 'invoke', f: 'acquire', worker: 1, group: 0, resource: 'r', lockId: 'l', timeMs: 2 };

  it('reports the line number of invalid JSON', () => {
    const text = `${good}\n\n${good}\n{"kind":"op",\n`;
    expect(() => parseHistoryJsonl(text, { source: 'h.jsonl' })).toThrow(/^h\.jsonl:4: not valid JSON/);
    try {
      parseHistoryJsonl(text);
    } catch (error) {
      expect(error).toBeInstanceOf(HistoryParseError);
      expect((error as HistoryParseError).lineNumber).toBe(4);
    }
  });

  it.each([
    [{ ...op, type: 'done' }, /type must be one of/],
    [{ ...op, f: 'extend' }, /f must be one of/],
    [{ ...op, worker: -1 }, /worker must be an integer/],
    [{ ...op, timeMs: 'soon' }, /timeMs must be a finite number/],
    [{ ...op, lockId: '' }, /lockId must be a non-empty string/],
    [{ ...op, fence: '0x10' }, /fence must be a decimal integer string/],
    [{ ...op, write: { accepted: 'yes', seq: 1, fence: '', read: 0, wrote: 1 } }, /write.accepted/],
    [{ ...op, write: { accepted: true, seq: 1, fence: '', read: 0 } }, /write.wrote/],
    [{ kind: 'fault', type: 'begin', name: 'p', detail: '', timeMs: 1 }, /fault must be "start" or "stop"/],
    [{ kind: 'other' }, /kind must be "op" or "fault"/],
    [[1, 2], /must be a JSON object/],
  ])('rejects %j with a message naming the field, on its line', (value, message) => {
    const text = `${good}\n${JSON.stringify(value)}\n`;
    expect(() => parseHistoryJsonl(text)).toThrow(message);
    expect(() => parseHistoryJsonl(text)).toThrow(/^history:2: /);
  });

  it('accepts a valid op with every optional field, and extra fields', () => {
    const full = { ...op, type: 'ok', fence: '12', validUntilMs: 990.5, error: '', extra: 1 };
    expect(parseHistoryJsonl(JSON.stringify(full))).toEqual([full]);
  });

  it('skips a truncated last line only when asked', () => {
    const text = `${good}\n{"kind":"fau`;
    expect(() => parseHistoryJsonl(text)).toThrow(/:2: not valid JSON/);
    expect(parseHistoryJsonl(text, { allowTruncatedLastLine: true })).toHaveLength(1);
    // A malformed line in the middle is always an error.
    expect(() => parseHistoryJsonl(`{"kind":"fau\n${good}\n`, { allowTruncatedLastLine: true })).toThrow(/:1:/);
  });

  it('writes and reads a file with a malformed line, naming the file', () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, `${good}\n${good}\n{"kind":"op"}\n`);
    expect(() => readHistoryFile(path)).toThrow(`${path}:3:`);
  });
});

describe('history helpers', () => {
  it('sorts stably by time and pairs each invoke with its completion', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 10, okMs: 20, validUntilMs: 900 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 5, okMs: 30, validUntilMs: 900 });
    h.events.push({ kind: 'op', type: 'invoke', f: 'acquire', worker: 3, group: 0, resource: 'r0', lockId: 'c', timeMs: 40 });
    h.events.push({ kind: 'op', type: 'ok', f: 'release', worker: 9, group: 0, resource: 'r0', lockId: 'z', timeMs: 1 });
    const sorted = sortByTime(h.events);
    expect(sorted.map((e) => e.timeMs)).toEqual([1, 5, 10, 20, 30, 40]);
    const { pairs, orphanCompletions } = pairOperations(h.events);
    expect(pairs.map((p) => [p.invoke.lockId, p.completion?.timeMs])).toEqual([
      ['b', 30],
      ['a', 20],
      ['c', undefined],
    ]);
    expect(orphanCompletions.map((o) => o.lockId)).toEqual(['z']);
  });

  it('pairs fault starts and stops by name, first in first out', () => {
    const h = new HistoryBuilder()
      .fault('stop', 'partition', 0, 'heal in setup')
      .fault('start', 'partition', 10, 'nodes 0,1')
      .fault('start', 'latency', 15)
      .fault('stop', 'partition', 20)
      .fault('start', 'partition', 30, 'nodes 2,3');
    expect(faultWindows(h.events)).toEqual([
      { name: 'partition', detail: 'nodes 0,1', startMs: 10, stopMs: 20 },
      { name: 'latency', detail: '', startMs: 15, stopMs: undefined },
      { name: 'partition', detail: 'nodes 2,3', startMs: 30, stopMs: undefined },
    ]);
  });
});
