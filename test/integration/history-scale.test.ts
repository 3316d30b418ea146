import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAvailability } from '../../sim/checker/availability.js';
import { checkMutex } from '../../sim/checker/mutex.js';
import { checkRegister } from '../../sim/checker/register.js';
import { checkTokenOrder } from '../../sim/checker/token-order.js';
import { JsonlHistoryWriter, readHistories } from '../../sim/history/index.js';
import { HistoryBuilder, sequentialRun } from '../unit/sim/history-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'redquorum-large-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A lab row once failed with "Maximum call stack size exceeded": one worker's 133,310
// events were spread as the arguments of one push. Every step from the files to the
// checkers' verdicts must take histories far past any argument-count limit. This file is
// in the integration project because that one runs in forked processes, whose main
// thread has Node's default stack, as the lab's does (vitest's threads have a larger one,
// where the same spread of 150,000 arguments passes).
describe('a history of 300,000 events', () => {
  const cycles = 50_000;
  const events = sequentialRun(cycles, { fenced: true }).events;

  it('is read back whole from the workers\' files, and every checker judges it', () => {
    expect(events.length).toBe(6 * cycles);
    const paths = [join(dir, 'w0.jsonl'), join(dir, 'w1.jsonl')];
    const writers = paths.map((path) => new JsonlHistoryWriter(path));
    events.forEach((event, index) => writers[index < events.length / 2 ? 0 : 1]!.append(event));
    for (const writer of writers) writer.close();
    const problems: string[] = [];
    const history = readHistories(paths, [{ kind: 'fault', type: 'start', name: 'none', detail: '', timeMs: 0 }], problems);
    expect(problems).toEqual([]);
    expect(history.length).toBe(events.length + 1);
    expect(checkMutex(history, { maxViolationsListed: 10 }).valid).toBe(true);
    expect(checkTokenOrder(history).valid).toBe(true);
    expect(checkRegister(history, { register: 'kleppmann' }).valid).toBe(true);
    const availability = checkAvailability(history);
    expect(availability.details.acquisitions).toBe(cycles);
    expect(availability.details.acquireLatencyMaxMs).toBe(4);
  });

  it('availability takes the latency maximum over 200,000 acquisitions', () => {
    const many = new HistoryBuilder();
    for (let i = 0; i < 200_000; i += 1) many.acquire({ worker: i % 7, lockId: `l${i}`, resource: `r${i % 1000}`, invokeMs: 2 * i, okMs: 2 * i + 1 + (i === 12_345 ? 8 : 0) });
    const availability = checkAvailability(many.events);
    expect(availability.details.acquisitions).toBe(200_000);
    expect(availability.details.acquireLatencyMaxMs).toBe(9);
  });

  it('a file that cannot be read is named in the problems, and the rest is kept', () => {
    const problems: string[] = [];
    const history = readHistories([join(dir, 'missing.jsonl')], events.slice(0, 6), problems);
    expect(problems).toEqual([expect.stringMatching(/^history .*missing\.jsonl: ENOENT/)]);
    expect(history.length).toBe(6);
  });
});
