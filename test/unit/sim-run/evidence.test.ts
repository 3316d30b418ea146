import { describe, expect, it } from 'vitest';
import { findOverlaps, holdWindows } from '../../../sim/checker/index.js';
import type { AppliedWindow } from '../../../sim/run/fault-timeline.js';
import { detectionPower, latencyByGroup, measureEffects, violationsInFirstHalf } from '../../../sim/run/evidence.js';
import { HistoryBuilder } from '../sim/history-builder.js';

const window = (name: string, startMs: number, endMs: number): AppliedWindow => ({ name, startMs, endMs, healedMs: endMs });

describe('evidence', () => {
  it('counts acquisitions that saw a node unreachable inside the fault windows only', () => {
    const h = new HistoryBuilder();
    h.events.push(
      { kind: 'op', type: 'invoke', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'a', timeMs: 100 },
      { kind: 'op', type: 'ok', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'a', timeMs: 150, validUntilMs: 1000, unreachable: [2] },
      { kind: 'op', type: 'invoke', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'b', timeMs: 900 },
      { kind: 'op', type: 'fail', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'b', timeMs: 950, unreachable: [2], error: 'x' },
    );
    const [during, node3] = measureEffects(
      [{ kind: 'unreachable-during', fault: 'crash-delayed' }, { kind: 'unreachable-during', fault: 'crash-delayed', node: 3 }],
      h.events,
      [window('crash-delayed', 50, 500)],
    );
    expect(during).toMatchObject({ value: 1, ok: true });
    expect(node3).toMatchObject({ value: 0, ok: false });
  });

  it('counts acquisitions inside the windows, and with maxMs only those decided faster than the injected latency', () => {
    const h = new HistoryBuilder();
    const acquire = (lockId: string, invokeMs: number, doneMs: number, type: 'ok' | 'fail') =>
      h.events.push(
        { kind: 'op', type: 'invoke', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId, timeMs: invokeMs },
        type === 'ok'
          ? { kind: 'op', type, f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId, timeMs: doneMs, validUntilMs: invokeMs + 900 }
          : { kind: 'op', type, f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId, timeMs: doneMs, error: 'x' },
      );
    acquire('fast', 100, 110, 'ok'); // inside, decided by the fast nodes
    acquire('waited', 200, 330, 'ok'); // inside, waited for a slowed node
    acquire('failed', 300, 305, 'fail'); // inside, fast but failed
    acquire('outside', 900, 905, 'ok'); // outside the window
    const [fast, strict, served, many] = measureEffects(
      [
        { kind: 'acquired-during', fault: 'latency', maxMs: 120 },
        { kind: 'acquired-during', fault: 'latency', maxMs: 120, min: 2 },
        { kind: 'acquired-during', fault: 'latency', min: 2 },
        { kind: 'acquired-during', fault: 'latency', min: 3 },
      ],
      h.events,
      [window('latency', 50, 500)],
    );
    expect(fast).toMatchObject({ value: 1, ok: true });
    expect(strict).toMatchObject({ value: 1, ok: false });
    // Without a bound on the time taken: every success inside, neither the failure nor the one outside.
    expect(served).toMatchObject({ value: 2, ok: true, what: 'acquisitions during latency' });
    expect(many).toMatchObject({ value: 2, ok: false });
  });

  it('judges latency effects on acquisitions invoked while the fault was whole, not during its heal', () => {
    const h = new HistoryBuilder();
    const acquire = (lockId: string, invokeMs: number, doneMs: number): void => {
      h.events.push(
        { kind: 'op', type: 'invoke', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId, timeMs: invokeMs },
        { kind: 'op', type: 'ok', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId, timeMs: doneMs, validUntilMs: invokeMs + 900 },
      );
    };
    acquire('slow-1', 100, 700); // in force: waited for a slowed node
    acquire('slow-2', 200, 800);
    // The heal began at 500 and returned at 540: its toxics went one by one, so these met healed links.
    for (let i = 0; i < 5; i += 1) acquire(`heal-${i}`, 505 + i * 5, 508 + i * 5);
    acquire('after-1', 1000, 1010);
    acquire('after-2', 1100, 1110);
    const healing: AppliedWindow = { name: 'latency', startMs: 50, endMs: 500, healedMs: 540 };
    const [ratio, fast] = measureEffects(
      [{ kind: 'slower-during', fault: 'latency', min: 2 }, { kind: 'acquired-during', fault: 'latency', maxMs: 120 }],
      h.events,
      [healing],
    );
    // p50 of 600 ms in force against 10 ms after; the heal's 3 ms acquisitions count for neither side.
    expect(ratio?.value).toBeCloseTo(60);
    expect(ratio?.ok).toBe(true);
    expect(fast).toMatchObject({ value: 0, ok: false });
  });

  it('counts validity failures and sums what a nemesis measured', () => {
    const h = new HistoryBuilder()
      .acquireNot({ worker: 1, lockId: 'a', invokeMs: 0, endMs: 1100, type: 'fail' })
      .fault('start', 'clock-jump', 10)
      .fault('stop', 'clock-jump', 20);
    (h.events[1] as { error?: string }).error = 'ExecutionError(validity): quorum too late';
    h.events.push({ kind: 'fault', type: 'start', name: 'clock-jump', detail: '', timeMs: 30, measured: { keysMoved: 4 } });
    h.events.push({ kind: 'fault', type: 'start', name: 'clock-jump', detail: '', timeMs: 40, measured: { keysMoved: 3 } });
    const [validity, moved] = measureEffects(
      [{ kind: 'validity-failures' }, { kind: 'measured', fault: 'clock-jump', key: 'keysMoved', what: 'moved' }],
      h.events,
      [],
    );
    expect(validity).toMatchObject({ value: 1, ok: true });
    expect(moved).toMatchObject({ value: 7, ok: true });
  });

  it('detection power: a fault counts when a violation began after it and before the next', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 300, okMs: 310, validUntilMs: 1290 });
    const violations = findOverlaps(holdWindows(h.events));
    expect(detectionPower(violations, [window('crash', 100, 200), window('crash', 2000, 2100), window('crash', 5000, 5100)], 2000)).toEqual({ faults: 3, productive: 1 });
    expect(detectionPower(violations, [window('crash', 400, 450)], 2000)).toEqual({ faults: 1, productive: 0 });
    // Beyond the horizon, a violation is not this fault's doing.
    expect(detectionPower(violations, [window('crash', 100, 150)], 100)).toEqual({ faults: 1, productive: 0 });
  });

  it('finds violations that began in the first half of the older holder\u2019s validity', () => {
    const early = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 988 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 300, okMs: 310, validUntilMs: 1290 });
    const late = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 988 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 500, okMs: 510, validUntilMs: 1490 });
    expect(violationsInFirstHalf(findOverlaps(holdWindows(early.events)))).toBe(1);
    expect(violationsInFirstHalf(findOverlaps(holdWindows(late.events)))).toBe(0);
  });

  it('splits acquire latency by group, success and fault window', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 1000, okMs: 1400, validUntilMs: 1985, group: 1 })
      .acquireNot({ worker: 1, lockId: 'c', invokeMs: 1100, endMs: 1300, type: 'info' });
    const [g0, g1] = latencyByGroup(h.events, [window('latency', 900, 1500)], 2);
    expect(g0).toMatchObject({ okOutside: { count: 1, p50Ms: 5 }, okInside: { count: 0, p50Ms: null }, failedInside: { count: 1, p50Ms: 200 } });
    expect(g1).toMatchObject({ okInside: { count: 1, p50Ms: 400 } });
  });
});
