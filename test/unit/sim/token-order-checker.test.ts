import { describe, expect, it } from 'vitest';
import { checkTokenOrder, runChecker } from '../../../sim/checker/index.js';
import { HistoryBuilder, sequentialRun } from './history-builder.js';

describe('checkTokenOrder', () => {
  it('passes tokens that grow with acquisition order', () => {
    const result = checkTokenOrder(sequentialRun(40, { fenced: true }).events);
    expect(result.valid).toBe(true);
    expect(result.details.acquisitionCount).toBe(40);
    expect(result.details.regressionCount).toBe(0);
  });

  // Issue finding 3: after crash-immediate-restart an acquisition that began after another
  // had completed drew a smaller token; nothing reported it as the guarantee broken.
  it('catches a later acquisition with a smaller token than an earlier-completed one', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'old', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '12' })
      .acquire({ worker: 2, lockId: 'new', invokeMs: 200, okMs: 205, validUntilMs: 1185, fence: '11' });
    const result = checkTokenOrder(h.events);
    expect(result.valid).toBe(false);
    expect(result.details.regressionCount).toBe(1);
    expect(result.details.regressions[0]?.later.lockId).toBe('new');
    expect(result.details.regressions[0]?.earlier.lockId).toBe('old');
    expect(result.details.resources).toEqual(['r0']);
    expect(result.details.anomalies).toEqual(['token-regression']);
  });

  it('counts equal tokens as a regression', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '4' })
      .release({ worker: 1, lockId: 'a', invokeMs: 50 })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 60, okMs: 65, validUntilMs: 1045, fence: '4' });
    const result = checkTokenOrder(h.events);
    expect(result.details.regressionCount).toBe(1);
    expect(result.details.equalTokenCount).toBe(1);
  });

  it('does not order acquisitions that overlapped in time (neither completed before the other began)', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 50, validUntilMs: 985, fence: '9' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 10, okMs: 60, validUntilMs: 995, fence: '8' });
    expect(checkTokenOrder(h.events).valid).toBe(true);
  });

  it('compares against the largest earlier token, not the latest one, and keeps resources apart', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 985, fence: '20' })
      .acquire({ worker: 2, lockId: 'b', invokeMs: 10, okMs: 15, validUntilMs: 985, fence: '3', resource: 'r1' })
      .acquire({ worker: 3, lockId: 'c', invokeMs: 100, okMs: 105, validUntilMs: 1085, fence: '21' })
      .acquire({ worker: 4, lockId: 'd', invokeMs: 200, okMs: 205, validUntilMs: 1185, fence: '20' })
      .acquire({ worker: 5, lockId: 'e', invokeMs: 300, okMs: 305, validUntilMs: 1285, fence: '4', resource: 'r1' });
    const result = checkTokenOrder(h.events);
    expect(result.details.regressionCount).toBe(1);
    expect(result.details.regressions[0]?.later.lockId).toBe('d');
    expect(result.details.regressions[0]?.earlier.lockId).toBe('c');
  });

  it('leaves acquisitions without a token unjudged', () => {
    const result = checkTokenOrder(sequentialRun(5, { fenced: false }).events);
    expect(result.valid).toBe(true);
    expect(result.details.unfencedCount).toBe(5);
    expect(result.details.acquisitionCount).toBe(0);
  });

  it('is unknown, never a pass, for a history it cannot read', () => {
    const h = new HistoryBuilder()
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 5, validUntilMs: 900, fence: '1' })
      .acquire({ worker: 1, lockId: 'a', invokeMs: 0, okMs: 6, validUntilMs: 900, fence: '2' });
    expect(runChecker('token-order', () => checkTokenOrder(h.events)).valid).toBe('unknown');
  });
});
