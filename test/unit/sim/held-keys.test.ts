import { describe, expect, it } from 'vitest';
import { keysBack } from '../../../sim/nemesis/held-keys.js';

describe('keysBack', () => {
  it('counts the keys held again with the same lock value, not new acquisitions of the same name', () => {
    const before = new Map([
      ['r0', 'value-a'],
      ['r1', 'value-b'],
      ['r2', 'value-c'],
    ]);
    // r0 came back (AOF), r1 was taken again by a new holder after the restart, r2 is gone.
    const after = new Map([
      ['r0', 'value-a'],
      ['r1', 'value-new'],
      ['r9', 'value-x'],
    ]);
    expect(keysBack(before, after)).toBe(1);
    expect(keysBack(before, new Map())).toBe(0);
    expect(keysBack(before, before)).toBe(3);
  });
});
