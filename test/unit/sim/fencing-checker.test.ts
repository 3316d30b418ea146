import { describe, expect, it } from 'vitest';
import { checkFencing, runChecker } from '../../../sim/checker/index.js';
import { HistoryBuilder, sequentialRun } from './history-builder.js';

describe('checkFencing', () => {
  it('passes a fenced run where every write was accepted in token order', () => {
    const h = sequentialRun(50, { fenced: true });
    const result = checkFencing(h.events, { fenced: true, finalCounter: 50 });
    expect(result.valid).toBe(true);
    expect(result.details.acceptedCount).toBe(50);
    expect(result.details.outOfOrderAccepted).toBe(0);
    expect(result.details.staleRejected).toBe(0);
    expect(result.details.lostUpdates).toBe(0);
    expect(result.details.lostUpdatesByCounter).toBe(0);
    expect(result.details.lateWrites).toBe(0);
  });

  it('catches a write accepted out of token order', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '7' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 0, okMs: 6, validUntilMs: 985, fence: '8' })
      .write({ worker: 2, lockId: 'b', invokeMs: 10, accepted: true, seq: 1, fence: '8', read: 0 })
      // A broken resource accepted fence 7 after fence 8.
      .write({ worker: 1, lockId: 'a', invokeMs: 20, accepted: true, seq: 2, fence: '7', read: 1 });
    const result = checkFencing(h.events, { fenced: true });
    expect(result.valid).toBe(false);
    expect(result.details.outOfOrderAccepted).toBe(1);
    expect(result.details.outOfOrder[0]?.write.lockId).toBe('a');
    expect(result.details.outOfOrder[0]?.maxEarlierFence).toBe('8');
  });

  it('counts an equal fence accepted twice as out of order', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '3' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 0, okMs: 6, validUntilMs: 985, fence: '3' })
      .write({ worker: 1, lockId: 'a', invokeMs: 10, accepted: true, seq: 1, fence: '3', read: 0 })
      .write({ worker: 2, lockId: 'b', invokeMs: 20, accepted: true, seq: 2, fence: '3', read: 1 });
    expect(checkFencing(h.events, { fenced: true }).details.outOfOrderAccepted).toBe(1);
  });

  it('compares fences as bigints, not as strings or doubles', () => {
    const big = 2n ** 60n;
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '9' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 50, okMs: 55, validUntilMs: 985, fence: '10' })
      .acquire({ worker: 3, lockId: 'c', invokeMs: 60, okMs: 65, validUntilMs: 985, fence: String(big) })
      .acquire({ worker: 4, lockId: 'd', invokeMs: 70, okMs: 75, validUntilMs: 985, fence: String(big + 1n) })
      .write({ worker: 1, lockId: 'a', invokeMs: 10, accepted: true, seq: 1, fence: '9', read: 0 })
      .write({ worker: 2, lockId: 'b', invokeMs: 56, accepted: true, seq: 2, fence: '10', read: 1 })
      .write({ worker: 3, lockId: 'c', invokeMs: 66, accepted: true, seq: 3, fence: String(big), read: 2 })
      .write({ worker: 4, lockId: 'd', invokeMs: 76, accepted: true, seq: 4, fence: String(big + 1n), read: 3 });
    expect(checkFencing(h.events, { fenced: true }).details.outOfOrderAccepted).toBe(0);
  });

  it("Kleppmann's GC pause, fenced: the resumed holder's late write is rejected as stale", () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '33' })
      // Worker 1 pauses before writing; its lock expires; worker 2 takes it.
      .acquire({ worker: 2, lockId: 'b', invokeMs: 1000, okMs: 1005, validUntilMs: 1985, fence: '34' })
      .write({ worker: 2, lockId: 'b', invokeMs: 1010, accepted: true, seq: 1, fence: '34', read: 0 })
      .release({ worker: 2, lockId: 'b', invokeMs: 1050 })
      // Worker 1 resumes at 1500 and writes with its old token.
      .write({ worker: 1, lockId: 'a', invokeMs: 1500, accepted: false, seq: 0, fence: '33', read: 0 });
    const result = checkFencing(h.events, { fenced: true, finalCounter: 1 });
    expect(result.valid).toBe(true);
    expect(result.details.staleRejected).toBe(1);
    expect(result.details.lateWrites).toBe(1);
    expect(result.details.lateWritesRejected).toBe(1);
    expect(result.details.lateWritesAccepted).toBe(0);
    expect(result.details.lateWriteExamples[0]?.lockId).toBe('a');
    expect(result.details.lostUpdates).toBe(0);
  });

  it('the same GC pause, unfenced control: the late write is accepted and an update is lost', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985 })
      // Worker 1 read 0 at t=10, then paused.
      .acquire({ worker: 2, lockId: 'b', invokeMs: 1000, okMs: 1005, validUntilMs: 1985 })
      .write({ worker: 2, lockId: 'b', invokeMs: 1010, accepted: true, seq: 1, read: 0 })
      .release({ worker: 2, lockId: 'b', invokeMs: 1050 })
      // Resumed: it writes 0 + 1 over worker 2's increment.
      .write({ worker: 1, lockId: 'a', invokeMs: 1500, accepted: true, seq: 2, read: 0 });
    const result = checkFencing(h.events, { fenced: false, finalCounter: 1 });
    expect(result.valid).toBe(false);
    expect(result.details.outOfOrderAccepted).toBeNull();
    expect(result.details.lostUpdates).toBe(1);
    expect(result.details.lostUpdateExamples[0]?.write.lockId).toBe('a');
    expect(result.details.lostUpdateExamples[0]?.expectedRead).toBe(1);
    expect(result.details.lostUpdatesByCounter).toBe(1);
    expect(result.details.lateWritesAccepted).toBe(1);
  });

  it('unfenced control without faults passes', () => {
    const h = sequentialRun(30, { fenced: false });
    const result = checkFencing(h.events, { fenced: false, finalCounter: 30 });
    expect(result.valid).toBe(true);
    expect(result.details.lostUpdates).toBe(0);
  });

  it('the final-counter cross-check alone catches lost updates the reads do not show', () => {
    const h = sequentialRun(10, { fenced: false });
    // The reads chain up, but the counter says 8: two increments vanished.
    const result = checkFencing(h.events, { fenced: false, finalCounter: 8 });
    expect(result.details.lostUpdates).toBe(0);
    expect(result.details.lostUpdatesByCounter).toBe(2);
    expect(result.valid).toBe(false);
  });

  it('counts writes with unknown outcome and errored writes apart', () => {
    const h = sequentialRun(3, { fenced: true });
    h.acquire({ worker: 1, lockId: 'x', invokeMs: 9000, okMs: 9005, validUntilMs: 9985, fence: '99' });
    h.events.push({ kind: 'op', type: 'invoke', f: 'write', worker: 1, group: 0, resource: 'r0', lockId: 'x', timeMs: 9010 });
    h.events.push({ kind: 'op', type: 'info', f: 'write', worker: 1, group: 0, resource: 'r0', lockId: 'x', timeMs: 9500, error: 'timeout' });
    h.acquire({ worker: 2, lockId: 'y', invokeMs: 9990, okMs: 9995, validUntilMs: 10985, fence: '100' });
    h.events.push({ kind: 'op', type: 'invoke', f: 'write', worker: 2, group: 0, resource: 'r0', lockId: 'y', timeMs: 10000 });
    h.events.push({ kind: 'op', type: 'fail', f: 'write', worker: 2, group: 0, resource: 'r0', lockId: 'y', timeMs: 10001, error: 'ECONNREFUSED' });
    const result = checkFencing(h.events, { fenced: true });
    expect(result.valid).toBe(true);
    expect(result.details.unknownCount).toBe(1);
    expect(result.details.erroredCount).toBe(1);
    expect(result.details.writeAttempts).toBe(5);
  });

  it('is unknown, never a pass, for a write with no successful acquire', () => {
    const h = new HistoryBuilder().write({ worker: 1, lockId: 'ghost', invokeMs: 10, accepted: true, seq: 1, fence: '1', read: 0 });
    const result = runChecker('fencing', () => checkFencing(h.events, { fenced: true }));
    expect(result.valid).toBe('unknown');
    expect(result.summary).toContain('ghost');
  });

  it('is unknown for a fenced run whose write carried no fence, and for duplicate seqs', () => {
    const noFence = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '1' })
      .write({ worker: 1, lockId: 'a', invokeMs: 10, accepted: true, seq: 1, read: 0 });
    expect(runChecker('fencing', () => checkFencing(noFence.events, { fenced: true })).valid).toBe('unknown');
    const duplicate = sequentialRun(2, { fenced: true });
    duplicate.acquire({ worker: 1, lockId: 'z', invokeMs: 5000, okMs: 5005, validUntilMs: 5985, fence: '50' });
    duplicate.write({ worker: 1, lockId: 'z', invokeMs: 5010, accepted: true, seq: 2, fence: '50', read: 2 });
    expect(runChecker('fencing', () => checkFencing(duplicate.events, { fenced: true })).valid).toBe('unknown');
  });
});
