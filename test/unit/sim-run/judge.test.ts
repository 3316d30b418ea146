import { describe, expect, it } from 'vitest';
import { exitCodeFor, judge, type Observed, type RegisterObserved } from '../../../sim/run/judge.js';
import { resolveSettings } from '../../../sim/run/settings.js';
import type { Expectation } from '../../../sim/scenarios/types.js';

const KLEPPMANN: RegisterObserved = {
  register: 'kleppmann',
  valid: true,
  accepted: 900,
  lostUpdates: 0,
  staleAccepted: 0,
  rejected: { 'validity-ended': 0, 'regression-victim': 0, superseded: 0, total: 0 },
  lateWrites: 0,
  anomalies: [],
};
const CONTROL = (register: 'write-check' | 'none', caught: boolean): RegisterObserved => ({
  ...KLEPPMANN,
  register,
  valid: !caught,
  lostUpdates: caught ? 3 : 0,
  anomalies: caught ? ['lost-update'] : [],
});

const CLEAN: Observed = {
  runMs: 10_000,
  faultWindows: 3,
  attempts: 1200,
  acquisitions: 1000,
  availability: 1000 / 1200,
  acquireP50Ms: 3,
  acquireP99Ms: 40,
  latencyByGroup: [],
  acquisitionsByGroup: [400, 600],
  lockViolations: 0,
  possibleHolds: 0,
  violationsInFirstHalf: 0,
  tokenRegressions: 0,
  registers: [KLEPPMANN],
  effects: [],
  detection: null,
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
    expect(judge(UNSAFE, { ...CLEAN, lockViolations: 5 }).status).toBe('pass');
  });

  // Issue finding 5: an unsafe row must show at least 5 violations (run until them, or to
  // its bound); fewer is a row without evidence, not a pass.
  it('asks an unsafe row for at least 5 violations by its bound', () => {
    const judgement = judge(UNSAFE, { ...CLEAN, lockViolations: 4 });
    expect(judgement.status).toBe('no-evidence');
    expect(judgement.reasons.join()).toMatch(/4 lock violation\(s\) by the bound, expected at least 5/);
    expect(judge({ ...UNSAFE, minViolations: 2 }, { ...CLEAN, lockViolations: 4 }).status).toBe('pass');
  });

  // Issue finding 3: the fencing guarantee is checked, not assumed.
  it('fails safety on a token regression unless the spec says tokens may regress', () => {
    const judgement = judge(SAFE, { ...CLEAN, tokenRegressions: 1 });
    expect(judgement.status).toBe('safety-mismatch');
    expect(judgement.reasons.join()).toMatch(/1 token regression/);
    expect(judge({ ...UNSAFE, tokens: 'may-regress' }, { ...CLEAN, lockViolations: 6, tokenRegressions: 9 }).status).toBe('pass');
  });

  // Issue finding 2: lost updates on the fenced register fail the row, in every scenario.
  it('fails safety on a lost update or a stale write accepted by the Kleppmann register, even in an unsafe row', () => {
    const lost = { ...KLEPPMANN, valid: false, lostUpdates: 11, anomalies: ['lost-update'] };
    const judgement = judge(UNSAFE, { ...CLEAN, lockViolations: 6, registers: [lost] });
    expect(judgement.status).toBe('safety-mismatch');
    expect(judgement.reasons.join()).toMatch(/11 lost update/);
  });

  // Issue finding 1: a control that is not caught means the checker could not see its anomaly.
  it('fails safety when a negative-control register shows no anomaly, and passes when both are caught', () => {
    const expected: Expectation = { ...UNSAFE, controlsCaught: ['write-check', 'none'] };
    const caught = { ...CLEAN, lockViolations: 6, registers: [KLEPPMANN, CONTROL('write-check', true), CONTROL('none', true)] };
    expect(judge(expected, caught).status).toBe('pass');
    const blind = judge(expected, { ...caught, registers: [KLEPPMANN, CONTROL('write-check', false), CONTROL('none', true)] });
    expect(blind.status).toBe('safety-mismatch');
    expect(blind.reasons.join()).toMatch(/write-check control register showed no anomaly/);
    expect(judge(expected, { ...caught, registers: [KLEPPMANN] }).status).toBe('harness-crash');
  });

  it('checks stale rejections when expected', () => {
    const expected: Expectation = { locks: 'safe', staleRejected: 'some', liveness: {} };
    const rejected = { ...KLEPPMANN, rejected: { 'validity-ended': 3, 'regression-victim': 0, superseded: 0, total: 3 } };
    expect(judge(expected, { ...CLEAN, registers: [rejected] }).status).toBe('pass');
    expect(judge(expected, CLEAN).status).toBe('safety-mismatch');
  });

  // Issue finding 4: latency-majority passed on an empty history; crash-fsync-always passed
  // with the targeted groups' operations deleted.
  it('has no evidence when the targeted group made too few acquisitions, whatever the others did', () => {
    const groups = [{ variant: 'correct', fenced: true, minAcquisitionsPerS: 1 }, { variant: 'correct', fenced: true }] as const;
    expect(judge(SAFE, CLEAN, groups).status).toBe('pass');
    const starved = judge(SAFE, { ...CLEAN, acquisitionsByGroup: [0, 1000] }, groups);
    expect(starved.status).toBe('no-evidence');
    expect(starved.reasons.join()).toMatch(/group 0 \(the targeted one\) made 0 acquisitions, expected at least 10/);
  });

  // Issue finding 6: a named prediction is measured, and a row whose effect did not show cannot pass.
  it('has no evidence when an expected effect was not measured, or no fault was injected', () => {
    const expected: Expectation = { locks: 'safe', effects: [{ kind: 'validity-failures' }], liveness: {} };
    const none = judge(expected, { ...CLEAN, effects: [{ what: 'acquisitions that reached a quorum with no validity left', value: 0, min: 1, ok: false }] });
    expect(none.status).toBe('no-evidence');
    expect(judge(expected, { ...CLEAN, effects: [{ what: 'x', value: 7, min: 1, ok: true }] }).status).toBe('pass');
    expect(judge(expected, { ...CLEAN, faultWindows: 0, effects: [{ what: 'x', value: 7, min: 1, ok: true }] }).status).toBe('no-evidence');
  });

  it('fails clock-jump-partial when a violation began in the first half of a validity window', () => {
    const expected: Expectation = { ...UNSAFE, violationsInLastHalf: true };
    expect(judge(expected, { ...CLEAN, lockViolations: 5 }).status).toBe('pass');
    expect(judge(expected, { ...CLEAN, lockViolations: 5, violationsInFirstHalf: 1 }).status).toBe('safety-mismatch');
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
    expect(exitCodeFor(['liveness-mismatch', 'no-evidence'])).toBe(3);
    expect(exitCodeFor(['harness-crash', 'safety-mismatch', 'liveness-mismatch'])).toBe(1);
  });
});

describe('settings', () => {
  it('has full and short defaults and names a bad option with its range', () => {
    expect(resolveSettings({ seed: 1 })).toMatchObject({ runMs: 12_000, workers: 4, loops: 8, resources: 32, ttlMs: 1000, holdMs: [2, 10] });
    expect(resolveSettings({ seed: 1, short: true })).toMatchObject({ runMs: 3000, workers: 4, loops: 4, resources: 16, unsafeBoundMs: 15_000 });
    expect(resolveSettings({ seed: 1, loops: 3, holdMs: [1, 1], thinkMs: [0, 0] })).toMatchObject({ loops: 3, holdMs: [1, 1], thinkMs: [0, 0] });
    expect(() => resolveSettings({ seed: 1, workers: 0 })).toThrow(/workers must be an integer from 1 to 64/);
    expect(() => resolveSettings({ seed: 1, loops: 65 })).toThrow(/loops must be an integer from 1 to 64/);
    expect(() => resolveSettings({ seed: 1, holdMs: [10, 2] })).toThrow(/holdMs must be a range min-max with min <= max, got 10-2/);
    expect(() => resolveSettings({ seed: 1, thinkMs: [-1, 2] })).toThrow(/thinkMs\[0\] must be an integer from 0 to 60000/);
    expect(() => resolveSettings({ seed: 1, ttlMs: 5 })).toThrow(/ttl must be/);
  });
});
