import { describe, expect, it } from 'vitest';
import { checkMutex, holdWindows, possibleHolds, runChecker } from '../../../sim/checker/index.js';
import type { HistoryEvent } from '../../../sim/history/types.js';
import { HistoryBuilder, sequentialRun } from './history-builder.js';

describe('checkMutex', () => {
  it('passes sequential holders, including a hand-over in the same millisecond', () => {
    const h = sequentialRun(20, { fenced: true });
    // Released at 5030, next ok at 5030: touching windows are not an overlap.
    h.acquire({ worker: 1, lockId: 'a', invokeMs: 5000, okMs: 5005, validUntilMs: 5900 });
    h.release({ worker: 1, lockId: 'a', invokeMs: 5030 });
    h.acquire({ worker: 2, lockId: 'b', invokeMs: 5010, okMs: 5030, validUntilMs: 6000 });
    const result = checkMutex(h.events);
    expect(result.valid).toBe(true);
    expect(result.details.windowCount).toBe(22);
    expect(result.details.violationCount).toBe(0);
  });

  it('catches two overlapping holders and reports who, when and how long', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 100, okMs: 110, validUntilMs: 1090 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 500, okMs: 600, validUntilMs: 1580 })
      .release({ worker: 1, lockId: 'a', invokeMs: 800 })
      .release({ worker: 2, lockId: 'b', invokeMs: 900 });
    const result = checkMutex(h.events);
    expect(result.valid).toBe(false);
    expect(result.details.violationCount).toBe(1);
    const violation = result.details.violations[0];
    expect(violation?.first.worker).toBe(1);
    expect(violation?.second.worker).toBe(2);
    expect(violation?.overlapStartMs).toBe(600);
    expect(violation?.overlapEndMs).toBe(800);
    expect(violation?.overlapMs).toBe(200);
    expect(result.summary).toContain('1 overlapping');
  });

  it('ends a window at validity when the holder never releases (a GC pause is not a lock violation)', () => {
    const h = new HistoryBuilder()
      // Worker 1 pauses in its critical section and releases long after its validity.
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 990, okMs: 1000, validUntilMs: 1980 })
      .release({ worker: 2, lockId: 'b', invokeMs: 1100 })
      .release({ worker: 1, lockId: 'a', invokeMs: 3000 });
    const result = checkMutex(h.events);
    expect(result.valid).toBe(true);
    expect(result.details.windowCount).toBe(2);
  });

  it('does not count an acquire with an unknown outcome (info) or a failed one as a window', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985 })
      .acquireNot({ worker: 2, lockId: 'b', invokeMs: 10, endMs: 200, type: 'info' })
      .acquireNot({ worker: 3, lockId: 'c', invokeMs: 10, endMs: 20, type: 'fail' });
    const result = checkMutex(h.events);
    expect(result.valid).toBe(true);
    expect(result.details.windowCount).toBe(1);
  });

  it('keeps resources apart: the same times on two resources are not a violation', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', resource: 'r0', invokeMs: 0, okMs: 5, validUntilMs: 985 })
      .acquire({ worker: 2, lockId: 'b', resource: 'r1', invokeMs: 0, okMs: 5, validUntilMs: 985 });
    expect(checkMutex(h.events).valid).toBe(true);
  });

  it('counts every overlapping pair among three concurrent holders', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 0, validUntilMs: 1000 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 0, okMs: 100, validUntilMs: 1000 })
      .acquire({ worker: 3, lockId: 'c', invokeMs: 0, okMs: 200, validUntilMs: 1000 });
    const result = checkMutex(h.events, { maxViolationsListed: 2 });
    expect(result.details.violationCount).toBe(3);
    expect(result.details.violations).toHaveLength(2);
  });

  it('ignores empty windows (released before the ok was recorded)', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 50, validUntilMs: 1000 })
      .release({ worker: 1, lockId: 'a', invokeMs: 50 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 0, okMs: 10, validUntilMs: 40 });
    const result = checkMutex(h.events);
    expect(result.valid).toBe(true);
    expect(result.details.emptyWindowCount).toBe(1);
  });

  it('negative control: a broken client that claims the full TTL after a late acquisition is caught', () => {
    const ttlMs = 1000;
    const h = new HistoryBuilder();
    // A spec-correct holder: acquired at 0, validity 988 ms.
    h.acquire({ worker: 1, lockId: 'good-1', invokeMs: 0, okMs: 4, validUntilMs: 988 });
    h.release({ worker: 1, lockId: 'good-1', invokeMs: 300 });
    // The broken client sent its SETs at 310 (the keys expire at 1310 on the nodes), was
    // paused while the replies were in flight, and only returned at 1250. A correct client
    // would subtract the elapsed time and give up; the broken one claims ttlMs from the
    // moment it returned.
    h.acquire({ worker: 2, lockId: 'broken-1', invokeMs: 310, okMs: 1250, validUntilMs: 1250 + ttlMs });
    // Its keys expired at 1310; a correct client acquires at 1320.
    h.acquire({ worker: 3, lockId: 'good-2', invokeMs: 1315, okMs: 1320, validUntilMs: 1320 + 988 });
    h.release({ worker: 3, lockId: 'good-2', invokeMs: 1600 });
    const result = runChecker('mutex', () => checkMutex(h.events));
    expect(result.valid).toBe(false);
    expect(result.details?.violationCount).toBe(1);
    const pair = result.details?.violations[0];
    expect([pair?.first.lockId, pair?.second.lockId]).toEqual(['broken-1', 'good-2']);
    expect(pair?.overlapMs).toBe(1600 - 1320);
  });

  it('the same history from a spec-correct client (validity from the invoke) passes', () => {
    const h = new HistoryBuilder();
    h.acquire({ worker: 1, lockId: 'good-1', invokeMs: 0, okMs: 4, validUntilMs: 988 });
    h.release({ worker: 1, lockId: 'good-1', invokeMs: 300 });
    // Validity counted from the invoke: 310 + 988 = 1298 < 1320. (A correct client would
    // not even return this lock, since its validity had ended before it returned.)
    h.acquire({ worker: 2, lockId: 'late-1', invokeMs: 310, okMs: 1250, validUntilMs: 1298 });
    h.acquire({ worker: 3, lockId: 'good-2', invokeMs: 1315, okMs: 1320, validUntilMs: 1320 + 988 });
    expect(checkMutex(h.events).valid).toBe(true);
  });

  it('negative control: a broken client that releases by plain DEL frees another holder\'s lock; the overlap is caught', () => {
    const h = new HistoryBuilder()
      // Worker 1's lock ran out of validity; worker 2 took the resource.
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 990, okMs: 1000, validUntilMs: 1980 })
      // Worker 1 now "releases" with DEL, deleting worker 2's keys, so worker 3 gets in.
      .release({ worker: 1, lockId: 'a', invokeMs: 1200 })
      .acquire({ worker: 3, lockId: 'c', invokeMs: 1210, okMs: 1215, validUntilMs: 2195 })
      .release({ worker: 2, lockId: 'b', invokeMs: 1500 })
      .release({ worker: 3, lockId: 'c', invokeMs: 1600 });
    const result = checkMutex(h.events);
    expect(result.valid).toBe(false);
    expect(result.details.violations.map((v) => [v.first.lockId, v.second.lockId, v.overlapMs])).toEqual([['b', 'c', 285]]);
  });

  // Issue finding 4: windows whose claimed validity end was absent or early were dropped
  // silently, so a client that claims nothing could never be caught.
  it('does not trust an absent validity claim: the window lasts until the release, and the overlap is caught', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 100, okMs: 110, validUntilMs: 1090 })
      .release({ worker: 1, lockId: 'a', invokeMs: 300 })
      .release({ worker: 2, lockId: 'b', invokeMs: 400 });
    const result = checkMutex(h.events);
    expect(result.valid).toBe(false);
    expect(result.details.violationCount).toBe(1);
    expect(result.details.untrustedValidityCount).toBe(1);
    expect(result.details.anomalies).toEqual(['dual-holder']);
    expect(result.details.violations[0]?.overlapMs).toBe(190);
  });

  it('does not trust a validity claim earlier than the ok', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 50, validUntilMs: 10 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 100, okMs: 110, validUntilMs: 1090 })
      .release({ worker: 1, lockId: 'a', invokeMs: 300 });
    const result = checkMutex(h.events);
    expect(result.valid).toBe(false);
    expect(result.details.emptyWindowCount).toBe(0);
  });

  it('a window without a believable claim and without a release lasts until the history ends', () => {
    const windows = holdWindows(
      new HistoryBuilder()
        .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5 })
        .acquire({ worker: 2, lockId: 'b', invokeMs: 5000, okMs: 5010, validUntilMs: 5900 }).events,
    );
    expect(windows.find((w) => w.lockId === 'a')).toMatchObject({ endMs: 5010, endedBy: 'history-end', validityTrusted: false });
  });

  // Issue finding 7: unknown outcomes were never recorded; an info acquire (or one whose
  // worker died mid-call) may hold the lock until its TTL ran out.
  it('keeps info and pending acquires as possible holds until their TTL, apart from the violations', () => {
    const h = new HistoryBuilder()
      .acquireNot({ worker: 1, lockId: 'timed-out', invokeMs: 0, endMs: 120, type: 'info', ttlMs: 1000 })
      .acquireNot({ worker: 3, lockId: 'died', invokeMs: 2000, endMs: 0, type: 'pending', ttlMs: 1000 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 500, okMs: 510, validUntilMs: 1400 })
      .release({ worker: 2, lockId: 'b', invokeMs: 600 });
    const holds = possibleHolds(h.events);
    expect(holds.map((p) => [p.lockId, p.outcome, p.endMs])).toEqual([['timed-out', 'info', 1000], ['died', 'pending', 3000]]);
    const result = checkMutex(h.events);
    expect(result.valid).toBe(true);
    expect(result.details.possibleHoldCount).toBe(2);
    expect(result.details.possibleOverlapCount).toBe(1);
  });

  it('throws on an acquisition recorded ok twice', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 900 })
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 6, validUntilMs: 900 });
    expect(runChecker('mutex', () => checkMutex(h.events)).valid).toBe('unknown');
  });
});
