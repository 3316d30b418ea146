import { describe, expect, it } from 'vitest';
import { FENCE_KEY_PREFIX, FENCE_TICK_BITS, clockFence, fastFence, fenceKey, fenceKeyInSlot, hashTag, maxFence, nextFence, proposeFence } from '../../../src/fencing.js';
import { keySlot } from '../../../src/key-slot.js';

const NAMES = ['job', 'a:b:c', '{order:7}', '{order:7}:items', 'x{y}z', '{}x', 'a{b', 'a}b', '{a}}', '}{a}', 'ünïcode', 'x:fence', `${FENCE_KEY_PREFIX}{job}`];

describe('fencing counter keys', () => {
  it('reproduce the hash slot of their resource, whenever the name allows it', () => {
    for (const name of NAMES) {
      if (fenceKeyInSlot(name)) expect(keySlot(fenceKey(name)), name).toBe(keySlot(name));
    }
    // The one kind of name that cannot: untagged, with a "}".
    expect(NAMES.filter((name) => !fenceKeyInSlot(name))).toEqual(['{}x', 'a}b']);
  });

  it('are distinct for distinct resources and never equal a resource name outside the prefix', () => {
    const keys = NAMES.map(fenceKey);
    expect(new Set(keys).size).toBe(NAMES.length);
    for (const key of keys) expect(key.startsWith(FENCE_KEY_PREFIX)).toBe(true);
  });

  it('read hash tags as Redis does', () => {
    expect([hashTag('{a}b'), hashTag('x{y}z'), hashTag('{}x'), hashTag('a{b'), hashTag('{a}}'), hashTag('}{a}')]).toEqual(['a', 'y', undefined, undefined, 'a', 'a']);
  });
});

describe('nextFence', () => {
  const wallMs = 1_764_547_200_000;
  const clock = BigInt(wallMs) << FENCE_TICK_BITS;

  it('is the clock part when the counters are behind it, and counter + 1 when they are ahead', () => {
    expect(nextFence([], wallMs)).toBe(clock);
    expect(nextFence(['0', '5'], wallMs)).toBe(clock);
    expect(nextFence([(clock + 10n).toString(), '3'], wallMs)).toBe(clock + 11n);
  });

  it('stays below 2^53 for this century, so Lua compares tokens exactly', () => {
    expect(nextFence([], Date.UTC(2100, 0, 1)) < 2n ** 53n).toBe(true);
  });
});

describe('the proposed token', () => {
  const wallMs = 1_764_547_200_000;
  const clock = BigInt(wallMs) << FENCE_TICK_BITS;

  it('is the clock part, or one more than the last proposal when that is not below it', () => {
    expect(proposeFence(wallMs, 0n)).toBe(clock);
    expect(proposeFence(wallMs, clock - 1n)).toBe(clock);
    expect(proposeFence(wallMs, clock)).toBe(clock + 1n);
    expect(proposeFence(wallMs, clock + 7n)).toBe(clock + 8n);
    expect(clockFence(-5)).toBe(0n);
  });

  it('is the token only when it is above every counter read, and the fallback then exceeds the reads', () => {
    expect(fastFence([], clock)).toBe(clock);
    expect(fastFence(['0', (clock - 1n).toString()], clock)).toBe(clock);
    // A counter equal to the proposal: another acquisition may hold that very token.
    expect(fastFence([clock.toString()], clock)).toBeUndefined();
    expect(fastFence(['3', (clock + 5n).toString()], clock)).toBeUndefined();
    const reads = ['3', (clock + 5n).toString()];
    expect(nextFence(reads, wallMs)).toBe(maxFence(reads) + 1n);
  });
});
