import { describe, expect, it } from 'vitest';
import { checkAvailability, percentile, runChecker } from '../../../sim/checker/index.js';
import { HistoryBuilder } from './history-builder.js';

describe('checkAvailability', () => {
  it('measures the success share, latency percentiles and recovery after each heal', () => {
    const h = new HistoryBuilder();
    // 10 acquisitions with latencies 1..10 ms.
    for (let i = 0; i < 10; i += 1) {
      h.acquire({ worker: i % 2, lockId: `ok${i}`, invokeMs: i * 100, okMs: i * 100 + i + 1, validUntilMs: i * 100 + 900 });
    }
    h.fault('start', 'partition', 1000, 'nodes 0,1,2 black-holed');
    h.acquireNot({ worker: 0, lockId: 'f1', invokeMs: 1100, endMs: 1300, type: 'fail' });
    h.acquireNot({ worker: 1, lockId: 'i1', invokeMs: 1100, endMs: 1400, type: 'info' });
    h.fault('stop', 'partition', 1500, 'healed');
    h.acquire({ worker: 0, lockId: 'after', invokeMs: 1600, okMs: 1720, validUntilMs: 2500 });
    h.fault('start', 'latency', 3000);
    h.fault('stop', 'latency', 3100);
    const result = checkAvailability(h.events);
    expect(result.valid).toBe(true);
    const d = result.details;
    expect(d.attempts).toBe(13);
    expect(d.acquisitions).toBe(11);
    expect(d.failed).toBe(1);
    expect(d.unknown).toBe(1);
    expect(d.availability).toBeCloseTo(11 / 13, 10);
    expect(d.acquireLatencyP50Ms).toBe(6);
    expect(d.acquireLatencyP99Ms).toBe(120);
    expect(d.recoveries).toEqual([
      { fault: 'partition', detail: 'healed', stopMs: 1500, recoveryMs: 220 },
      { fault: 'latency', detail: '', stopMs: 3100, recoveryMs: null },
    ]);
  });

  it('reports no availability for a history without attempts', () => {
    const result = checkAvailability([]);
    expect(result.details.availability).toBeNull();
    expect(result.details.acquireLatencyP50Ms).toBeNull();
  });

  it('counts an invoke with no completion as pending, not as a success', () => {
    const h = new HistoryBuilder();
    h.acquire({ worker: 0, lockId: 'a', invokeMs: 0, okMs: 3, validUntilMs: 900 });
    h.events.push({ kind: 'op', type: 'invoke', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'b', timeMs: 5 });
    const d = checkAvailability(h.events).details;
    expect(d.pending).toBe(1);
    expect(d.availability).toBe(0.5);
  });

  it('is unknown for a completion without an invoke', () => {
    const result = runChecker('availability', () =>
      checkAvailability([{ kind: 'op', type: 'ok', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'b', timeMs: 5, validUntilMs: 9 }]),
    );
    expect(result.valid).toBe('unknown');
  });
});

describe('percentile', () => {
  it('uses nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 100)).toBe(5);
    expect(percentile([5, 1, 3, 2, 4], 0)).toBe(1);
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});
