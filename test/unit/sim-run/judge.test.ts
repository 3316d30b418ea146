import { describe, expect, it } from 'vitest';
import { exitCodeFor, judge, type Observed } from '../../../sim/run/judge.js';
import { resolveSettings } from '../../../sim/run/settings.js';
import type { Expectation } from '../../../sim/scenarios/types.js';

const CLEAN: Observed = {
  runMs: 10_000,
  faultWindows: 3,
  attempts: 1200,
  acquisitions: 1000,
  availability: 1000 / 1200,
  acquireP50Ms: 3,
  acquireP99Ms: 40,
  lockViolations: 0,
  outOfOrderAccepted: 0,
  staleRejected: 0,
  lostUpdates: null,
  acquiredDuringFault: 0,
  maxRecoveryMs: null,
  unrecovered: 0,
  leftoverKeys: 0,
  problems: [],
};
const SAFE: Expectation = { locks: 'safe', liveness: { minAcquisitionsPerS: 50 } };
const UNSAFE: Expectation = { locks: 'unsafe', liveness: {} };

describe('judge', () => {
  it('passes a safe expectation with no violations', () => {
    expect(judge(SAFE, CLEAN)).toMatchObject({ status: 'pass', safetyOk: true, livenessOk: true, reasons: [] });
  });

  it('fails safety on a violation where the spec says safe, and on none where it says unsafe', () => {
    expect(judge(SAFE, { ...CLEAN, lockViolations: 2 }).status).toBe('safety-mismatch');
    expect(judge(UNSAFE, CLEAN).status).toBe('safety-mismatch');
    expect(judge(UNSAFE, { ...CLEAN, lockViolations: 4 }).status).toBe('pass');
  });

  it('fails safety on any out-of-order write accepted, even in an unsafe scenario', () => {
    const judgement = judge(UNSAFE, { ...CLEAN, lockViolations: 4, outOfOrderAccepted: 1 });
    expect(judgement.status).toBe('safety-mismatch');
    expect(judgement.reasons.join()).toMatch(/out-of-order/);
  });

  it('checks stale rejections and lost updates when expected', () => {
    const expected: Expectation = { locks: 'safe', staleRejected: 'some', lostUpdates: 'some', liveness: {} };
    expect(judge(expected, { ...CLEAN, staleRejected: 3, lostUpdates: 5 }).status).toBe('pass');
    expect(judge(expected, { ...CLEAN, staleRejected: 0, lostUpdates: 5 }).status).toBe('safety-mismatch');
    expect(judge(expected, { ...CLEAN, staleRejected: 3, lostUpdates: 0 }).status).toBe('safety-mismatch');
  });

  it('fails liveness on too few acquisitions, acquisitions during a majority partition, slow recovery and leftover keys', () => {
    expect(judge(SAFE, { ...CLEAN, acquisitions: 100 }).status).toBe('liveness-mismatch');
    const partition: Expectation = { locks: 'safe', liveness: { noAcquireDuring: 'partition', recoverAfter: 'partition', recoverWithinMs: 1000 } };
    expect(judge(partition, { ...CLEAN, maxRecoveryMs: 200 }).status).toBe('pass');
    expect(judge(partition, { ...CLEAN, acquiredDuringFault: 1 }).status).toBe('liveness-mismatch');
    expect(judge(partition, { ...CLEAN, maxRecoveryMs: 1500 }).status).toBe('liveness-mismatch');
    expect(judge(partition, { ...CLEAN, unrecovered: 1 }).status).toBe('liveness-mismatch');
    expect(judge(SAFE, { ...CLEAN, leftoverKeys: 2 }).status).toBe('liveness-mismatch');
  });

  it('calls a run with harness problems or a crashed checker a harness crash, but safety wins', () => {
    expect(judge(SAFE, { ...CLEAN, problems: ['worker 3 exited with code 1'] }).status).toBe('harness-crash');
    expect(judge(SAFE, { ...CLEAN, lockViolations: null }).status).toBe('harness-crash');
    expect(judge(SAFE, { ...CLEAN, lockViolations: 1, problems: ['x'] }).status).toBe('safety-mismatch');
  });
});

describe('exit codes', () => {
  it('is 0 when all match, and 1 > 3 > 2 in precedence', () => {
    expect(exitCodeFor(['pass', 'pass'])).toBe(0);
    expect(exitCodeFor([])).toBe(0);
    expect(exitCodeFor(['pass', 'liveness-mismatch'])).toBe(2);
    expect(exitCodeFor(['liveness-mismatch', 'harness-crash'])).toBe(3);
    expect(exitCodeFor(['harness-crash', 'safety-mismatch', 'liveness-mismatch'])).toBe(1);
  });
});

describe('settings', () => {
  it('has full and short defaults and names a bad option with its range', () => {
    expect(resolveSettings({ seed: 1 })).toMatchObject({ runMs: 12_000, workers: 4, loops: 8, resources: 32, ttlMs: 1000, holdMs: [2, 10] });
    expect(resolveSettings({ seed: 1, short: true })).toMatchObject({ runMs: 4000, workers: 4, loops: 4, resources: 16 });
    expect(resolveSettings({ seed: 1, loops: 3, holdMs: [1, 1], thinkMs: [0, 0] })).toMatchObject({ loops: 3, holdMs: [1, 1], thinkMs: [0, 0] });
    expect(() => resolveSettings({ seed: 1, workers: 0 })).toThrow(/workers must be an integer from 1 to 64/);
    expect(() => resolveSettings({ seed: 1, loops: 65 })).toThrow(/loops must be an integer from 1 to 64/);
    expect(() => resolveSettings({ seed: 1, holdMs: [10, 2] })).toThrow(/holdMs must be a range min-max with min <= max, got 10-2/);
    expect(() => resolveSettings({ seed: 1, thinkMs: [-1, 2] })).toThrow(/thinkMs\[0\] must be an integer from 0 to 60000/);
    expect(() => resolveSettings({ seed: 1, ttlMs: 5 })).toThrow(/ttl must be/);
  });
});
