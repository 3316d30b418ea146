import { describe, expect, it } from 'vitest';
import { evidenceGaps, minAcquisitions } from '../../../sim/run/evidence-rule.js';
import type { Expectation, GroupSpec } from '../../../sim/scenarios/types.js';

const HOLD_TO_END: GroupSpec = { variant: 'correct', fenced: true, minAcquisitionsPerS: 0.5 };
const BULK: GroupSpec = { variant: 'correct', fenced: true };
const SAFE: Expectation = { locks: 'safe', effects: [{ kind: 'measured', fault: 'clock-rate', key: 'keysShortened', what: 'lock keys the fast clock shortened' }], liveness: {} };
const UNSAFE: Expectation = { locks: 'unsafe', liveness: {} };
const shortened = (value: number) => ({ what: 'lock keys the fast clock shortened', value, min: 1, ok: value >= 1 });

describe('the evidence rule: every row runs until it has its evidence, or its bound', () => {
  it('a targeted minimum is a count fixed by the row duration, not by how long the row then ran', () => {
    expect(minAcquisitions(HOLD_TO_END, 3_000)).toBe(2);
    expect(minAcquisitions(HOLD_TO_END, 12_000)).toBe(6);
    expect(minAcquisitions(HOLD_TO_END, 500)).toBe(2);
    expect(minAcquisitions(HOLD_TO_END, 2_000)).toBe(2);
    expect(minAcquisitions(BULK, 3_000)).toBeUndefined();
  });

  // The CI miss of clock-rate-x1.009: group 0 made 1 acquisition of the 2 its 3 s ask.
  it('finds the gap of the CI miss, and none once the group has made its second acquisition', () => {
    const counts = { acquisitionsByGroup: [1, 5, 900], effects: [shortened(40)], faultWindows: 2, lockViolations: null };
    expect(evidenceGaps(SAFE, [HOLD_TO_END, HOLD_TO_END, BULK], 3_000, counts)).toEqual(['group 0 (the targeted one) made 1 acquisitions, expected at least 2']);
    expect(evidenceGaps(SAFE, [HOLD_TO_END, HOLD_TO_END, BULK], 3_000, { ...counts, acquisitionsByGroup: [2, 5, 900] })).toEqual([]);
  });

  it('an effect not yet measured or no fault injected is a gap', () => {
    const counts = { acquisitionsByGroup: [9, 9, 900], effects: [shortened(0)], faultWindows: 0, lockViolations: null };
    expect(evidenceGaps(SAFE, [HOLD_TO_END, HOLD_TO_END, BULK], 3_000, counts)).toEqual([
      'effect not observed: lock keys the fast clock shortened = 0, expected at least 1',
      'no fault was injected',
    ]);
  });

  it('an unsafe row lacks evidence below 5 violations, also at 0; a safe row never asks for violations', () => {
    const counts = { acquisitionsByGroup: [], effects: [], faultWindows: 3, lockViolations: 4 };
    expect(evidenceGaps(UNSAFE, [], 3_000, counts)).toEqual(['4 lock violation(s) by the bound, expected at least 5']);
    expect(evidenceGaps(UNSAFE, [], 3_000, { ...counts, lockViolations: 0 })).toHaveLength(1);
    expect(evidenceGaps(UNSAFE, [], 3_000, { ...counts, lockViolations: 5 })).toEqual([]);
    expect(evidenceGaps({ ...UNSAFE, minViolations: 8 }, [], 3_000, { ...counts, lockViolations: 5 })).toHaveLength(1);
    expect(evidenceGaps({ locks: 'safe', liveness: {} }, [], 3_000, { ...counts, lockViolations: 4 })).toEqual([]);
  });
});
