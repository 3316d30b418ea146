import { describe, expect, it } from 'vitest';
import { checkLeftoverKeys, runChecker } from '../../../sim/checker/index.js';

describe('checkLeftoverKeys', () => {
  it('passes keys still within their TTL and ignores fencing counters and gone keys', () => {
    const result = checkLeftoverKeys(
      [
        { node: 0, key: 'r0', pttlMs: 400 },
        { node: 1, key: 'r0', pttlMs: 1000 },
        { node: 2, key: 'redquorum:fence:{r0}', pttlMs: -1 },
        { node: 3, key: 'r1', pttlMs: -2 },
      ],
      { maxTtlMs: 1000 },
    );
    expect(result.valid).toBe(true);
    expect(result.details.expiring).toHaveLength(2);
    expect(result.details.lockKeyCount).toBe(2);
  });

  it('fails a lock key with no expiry or one that outlives the max TTL', () => {
    const result = checkLeftoverKeys(
      [
        { node: 0, key: 'r0', pttlMs: -1 },
        { node: 4, key: 'r1', pttlMs: 1500 },
        { node: 1, key: 'r2', pttlMs: 10 },
      ],
      { maxTtlMs: 1000 },
    );
    expect(result.valid).toBe(false);
    expect(result.details.leftovers.map((e) => `${e.key}@${e.node}`)).toEqual(['r0@0', 'r1@4']);
    expect(result.summary).toContain('r0@node0');
  });

  it('takes a custom lock-key predicate', () => {
    const result = checkLeftoverKeys([{ node: 0, key: 'other', pttlMs: -1 }], {
      maxTtlMs: 1000,
      isLockKey: (key) => key.startsWith('lock:'),
    });
    expect(result.valid).toBe(true);
  });

  it('rejects a bad maxTtlMs and an impossible PTTL (unknown under runChecker)', () => {
    expect(() => checkLeftoverKeys([], { maxTtlMs: 0 })).toThrow(/maxTtlMs/);
    const result = runChecker('leftover-keys', () => checkLeftoverKeys([{ node: 0, key: 'r', pttlMs: -7 }], { maxTtlMs: 10 }));
    expect(result.valid).toBe('unknown');
  });
});
