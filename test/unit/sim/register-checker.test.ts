import { describe, expect, it } from 'vitest';
import { checkRegister, runChecker } from '../../../sim/checker/index.js';
import { HistoryBuilder, sequentialRun } from './history-builder.js';

describe('checkRegister', () => {
  it('passes a run where every write was accepted in token order and read the previous value', () => {
    const h = sequentialRun(50, { fenced: true });
    const result = checkRegister(h.events, { register: 'kleppmann', finalCounter: 50 });
    expect(result.valid).toBe(true);
    expect(result.details.acceptedCount).toBe(50);
    expect(result.details.staleAccepted).toBe(0);
    expect(result.details.rejected.total).toBe(0);
    expect(result.details.lostUpdates).toBe(0);
    expect(result.details.lostUpdatesByCounter).toBe(0);
    expect(result.details.lateWrites).toBe(0);
    expect(result.details.anomalies).toEqual([]);
  });

  it('catches a write accepted with a smaller token than an earlier accepted one (stale-write-accepted)', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '7' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 0, okMs: 6, validUntilMs: 985, fence: '8' })
      .write({ worker: 2, lockId: 'b', invokeMs: 10, accepted: true, seq: 1, fence: '8', read: 0, register: 'none' })
      .write({ worker: 1, lockId: 'a', invokeMs: 20, accepted: true, seq: 2, fence: '7', read: 1, register: 'none' });
    const result = checkRegister(h.events, { register: 'none' });
    expect(result.valid).toBe(false);
    expect(result.details.anomalies).toEqual(['stale-write-accepted']);
    expect(result.details.staleAccepted).toBe(1);
    expect(result.details.staleAcceptedExamples[0]?.write.lockId).toBe('a');
    expect(result.details.staleAcceptedExamples[0]?.maxEarlierFence).toBe('8');
  });

  it('counts an equal token accepted twice as stale', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '3' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 0, okMs: 6, validUntilMs: 985, fence: '3' })
      .write({ worker: 1, lockId: 'a', invokeMs: 10, accepted: true, seq: 1, fence: '3', read: 0, register: 'none' })
      .write({ worker: 2, lockId: 'b', invokeMs: 20, accepted: true, seq: 2, fence: '3', read: 1, register: 'none' });
    expect(checkRegister(h.events, { register: 'none' }).details.staleAccepted).toBe(1);
  });

  it('compares tokens as bigints, not as strings or doubles', () => {
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
    expect(checkRegister(h.events, { register: 'kleppmann' }).details.staleAccepted).toBe(0);
  });

  // Issue finding 2: two overlapping holders read the same value and write in token order.
  // A register that checks tokens only at the write accepts both, and one increment is lost;
  // that must fail the row, not be reported as "fencing valid".
  it('catches the lost update of a register that checks tokens only at the write', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '5' })
      // The arbiter forgot a's key: b gets in while a still holds.
      .acquire({ worker: 2, lockId: 'b', invokeMs: 100, okMs: 105, validUntilMs: 1085, fence: '6' })
      // Both read 0 before either wrote; a writes first, then b: token order, both accepted.
      .write({ worker: 1, lockId: 'a', invokeMs: 10, doneMs: 300, accepted: true, seq: 1, fence: '5', read: 0, register: 'write-check' })
      .write({ worker: 2, lockId: 'b', invokeMs: 110, doneMs: 400, accepted: true, seq: 2, fence: '6', read: 0, register: 'write-check' });
    const result = checkRegister(h.events, { register: 'write-check', finalCounter: 1 });
    expect(result.valid).toBe(false);
    expect(result.details.anomalies).toEqual(['lost-update']);
    expect(result.details.lostUpdates).toBe(1);
    expect(result.details.staleAccepted).toBe(0);
    expect(result.details.lostUpdateExamples[0]?.write.lockId).toBe('b');
    expect(result.details.lostUpdateExamples[0]?.previous?.lockId).toBe('a');
    expect(result.details.lostUpdatesByCounter).toBe(1);
  });

  it('compares reads only across consecutive seqs: a write accepted with an unknown outcome is no lost update', () => {
    // seq 2 was accepted, but its completion is not in the history (in flight in a live
    // history, or info): seq 3 read what it wrote, not what seq 1 wrote.
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '5' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 100, okMs: 105, validUntilMs: 1085, fence: '6' })
      .acquire({ worker: 3, lockId: 'c', invokeMs: 200, okMs: 205, validUntilMs: 1185, fence: '7' })
      .write({ worker: 1, lockId: 'a', invokeMs: 10, accepted: true, seq: 1, fence: '5', read: 0, register: 'write-check' })
      .write({ worker: 3, lockId: 'c', invokeMs: 210, accepted: true, seq: 3, fence: '7', read: 2, register: 'write-check' });
    h.events.push({ kind: 'op', type: 'invoke', f: 'write', worker: 2, group: 0, resource: 'r0', lockId: 'b', timeMs: 110 });
    const live = checkRegister(h.events, { register: 'write-check' });
    expect(live.details.lostUpdates).toBe(0);
    expect(live.valid).toBe(true);
    // The same shape with consecutive seqs is a lost update: seq 2 read 0, not what seq 1 wrote.
    const lost = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '5' })
      .acquire({ worker: 3, lockId: 'c', invokeMs: 200, okMs: 205, validUntilMs: 1185, fence: '7' })
      .write({ worker: 1, lockId: 'a', invokeMs: 10, accepted: true, seq: 1, fence: '5', read: 0, register: 'write-check' })
      .write({ worker: 3, lockId: 'c', invokeMs: 210, accepted: true, seq: 2, fence: '7', read: 0, register: 'write-check' });
    expect(checkRegister(lost.events, { register: 'write-check' }).details.lostUpdates).toBe(1);
  });

  it('the same overlap on the Kleppmann register: the read raised the highest token, so the older write is rejected and nothing is lost', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '5' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 100, okMs: 105, validUntilMs: 1085, fence: '6' })
      .write({ worker: 1, lockId: 'a', invokeMs: 10, doneMs: 300, accepted: false, seq: 0, fence: '5', read: 0, register: 'kleppmann' })
      .write({ worker: 2, lockId: 'b', invokeMs: 110, doneMs: 400, accepted: true, seq: 1, fence: '6', read: 0, register: 'kleppmann' });
    const result = checkRegister(h.events, { register: 'kleppmann', finalCounter: 1 });
    expect(result.valid).toBe(true);
    expect(result.details.rejected).toEqual({ 'validity-ended': 0, 'regression-victim': 0, superseded: 1, total: 1 });
  });

  it('reads the control registers from the same write, each judged on its own', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '5' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 100, okMs: 105, validUntilMs: 1085, fence: '6' })
      .write({
        worker: 2, lockId: 'b', invokeMs: 110, doneMs: 200, accepted: true, seq: 1, fence: '6', read: 0,
        controls: [{ register: 'write-check', accepted: true, seq: 1, read: 0 }, { register: 'none', accepted: true, seq: 1, read: 0 }],
      })
      .write({
        worker: 1, lockId: 'a', invokeMs: 10, doneMs: 300, accepted: false, seq: 0, fence: '5', read: 0,
        controls: [{ register: 'write-check', accepted: false, seq: 0, read: 0 }, { register: 'none', accepted: true, seq: 2, read: 0 }],
      });
    expect(checkRegister(h.events, { register: 'kleppmann' }).valid).toBe(true);
    expect(checkRegister(h.events, { register: 'write-check' }).valid).toBe(true);
    const none = checkRegister(h.events, { register: 'none' });
    expect(none.valid).toBe(false);
    expect(none.details.anomalies).toEqual(['lost-update', 'stale-write-accepted']);
  });

  // Issue finding 3: after a crash without persistence the newer holder drew the smaller
  // token; its write is rejected. It is a regression victim, not a stale writer.
  it('labels a rejected newer holder with a regressed token a regression victim', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'old', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '12' })
      .acquire({ worker: 2, lockId: 'new', invokeMs: 200, okMs: 205, validUntilMs: 1185, fence: '11' })
      .write({ worker: 1, lockId: 'old', invokeMs: 10, doneMs: 400, accepted: true, seq: 1, fence: '12', read: 0 })
      .write({ worker: 2, lockId: 'new', invokeMs: 210, doneMs: 500, accepted: false, seq: 0, fence: '11', read: 1 });
    const result = checkRegister(h.events, { register: 'kleppmann', finalCounter: 1 });
    expect(result.valid).toBe(true);
    expect(result.details.rejected['regression-victim']).toBe(1);
    expect(result.details.rejectedExamples[0]?.cause).toBe('regression-victim');
    expect(result.details.rejectedExamples[0]?.regressedToken).toBe(true);
  });

  it("Kleppmann's GC pause: the resumed holder's write is rejected because its validity ended", () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '33' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 1000, okMs: 1005, validUntilMs: 1985, fence: '34' })
      .write({ worker: 2, lockId: 'b', invokeMs: 1010, accepted: true, seq: 1, fence: '34', read: 0 })
      .release({ worker: 2, lockId: 'b', invokeMs: 1050 })
      // Worker 1's write was invoked (read) at 10, paused, and reached the register at 1500.
      .write({ worker: 1, lockId: 'a', invokeMs: 10, doneMs: 1500, accepted: false, seq: 0, fence: '33', read: 0 });
    const result = checkRegister(h.events, { register: 'kleppmann', finalCounter: 1 });
    expect(result.valid).toBe(true);
    expect(result.details.rejected['validity-ended']).toBe(1);
    expect(result.details.lateWrites).toBe(1);
    expect(result.details.lateWritesRejected).toBe(1);
    expect(result.details.lateWriteExamples[0]?.lockId).toBe('a');
  });

  // Issue finding 8: lateness was judged from the write's invoke, stamped before the read
  // and the sleep, so a write that reached the register after validity was never late.
  it('judges lateness from the completion, not from the invoke', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '1' })
      .write({ worker: 1, lockId: 'a', invokeMs: 10, doneMs: 990, accepted: true, seq: 1, fence: '1', read: 0 });
    const result = checkRegister(h.events, { register: 'kleppmann' });
    expect(result.details.lateWrites).toBe(1);
    expect(result.details.lateWritesAccepted).toBe(1);
  });

  it('the GC pause on a register without token checks: the late write is accepted, an update is lost and the write is stale', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '33' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 1000, okMs: 1005, validUntilMs: 1985, fence: '34' })
      .write({ worker: 2, lockId: 'b', invokeMs: 1010, accepted: true, seq: 1, fence: '34', read: 0, register: 'none' })
      .release({ worker: 2, lockId: 'b', invokeMs: 1050 })
      .write({ worker: 1, lockId: 'a', invokeMs: 10, doneMs: 1500, accepted: true, seq: 2, fence: '33', read: 0, register: 'none' });
    const result = checkRegister(h.events, { register: 'none', finalCounter: 1 });
    expect(result.valid).toBe(false);
    expect(result.details.anomalies).toEqual(['lost-update', 'stale-write-accepted']);
    expect(result.details.lostUpdateExamples[0]?.expectedRead).toBe(1);
    expect(result.details.lostUpdatesByCounter).toBe(1);
    expect(result.details.lateWritesAccepted).toBe(1);
  });

  it('the final-counter cross-check alone catches lost updates the reads do not show', () => {
    const h = sequentialRun(10, { fenced: false });
    const result = checkRegister(h.events, { register: 'none', finalCounter: 8 });
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
    const result = checkRegister(h.events, { register: 'kleppmann' });
    expect(result.valid).toBe(true);
    expect(result.details.unknownCount).toBe(1);
    expect(result.details.erroredCount).toBe(1);
    expect(result.details.writeAttempts).toBe(5);
  });

  it('is unknown, never a pass, for a write with no successful acquire', () => {
    const h = new HistoryBuilder().write({ worker: 1, lockId: 'ghost', invokeMs: 10, accepted: true, seq: 1, fence: '1', read: 0 });
    const result = runChecker('register', () => checkRegister(h.events, { register: 'kleppmann' }));
    expect(result.valid).toBe('unknown');
    expect(result.summary).toContain('ghost');
  });

  it('is unknown for a write ok without a result from the register asked about', () => {
    const h = sequentialRun(2, { fenced: true });
    const result = runChecker('register', () => checkRegister(h.events, { register: 'write-check' }));
    expect(result.valid).toBe('unknown');
  });
});
