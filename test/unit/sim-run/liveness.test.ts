import { describe, expect, it } from 'vitest';
import type { HistoryEvent, Op } from '../../../sim/history/types.js';
import { acquiredDuring, recoveryTimes } from '../../../sim/run/liveness.js';

function acquire(worker: number, lockId: string, invokeMs: number, okMs: number | undefined): HistoryEvent[] {
  const base = { kind: 'op', f: 'acquire', worker, group: 0, resource: 'r0', lockId } as const;
  const events: Op[] = [{ ...base, type: 'invoke', timeMs: invokeMs }];
  if (okMs !== undefined) events.push({ ...base, type: 'ok', timeMs: okMs, validUntilMs: okMs + 900 });
  return events;
}

const WINDOW = { name: 'partition', startMs: 1000, endMs: 2000, healedMs: 2010 };

describe('liveness measures', () => {
  it('counts only acquisitions invoked and completed inside a fault window', () => {
    const history = [
      ...acquire(0, 'a', 900, 1005), // invoked before the fault: not counted
      ...acquire(1, 'b', 1100, 1150), // inside: counted
      ...acquire(2, 'c', 1900, 2050), // completed after the heal: not counted
      ...acquire(3, 'd', 1500, undefined),
    ];
    expect(acquiredDuring(history, [WINDOW])).toBe(1);
    expect(acquiredDuring(history, [])).toBe(0);
  });

  it('measures the recovery from the heal to the first acquisition invoked after it', () => {
    const history = [...acquire(0, 'a', 1500, 2100), ...acquire(1, 'b', 2020, 2300), ...acquire(2, 'c', 2400, 2410)];
    expect(recoveryTimes(history, [WINDOW])).toEqual([290]);
    expect(recoveryTimes(acquire(0, 'a', 100, 200), [WINDOW])).toEqual([null]);
  });
});
