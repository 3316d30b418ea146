import { describe, expect, it } from 'vitest';
import { deriveSeed, Random, SEED_MAX } from '../../../sim/random.js';

describe('Random (seeded PRNG)', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number): number[] => {
      const random = new Random(seed);
      return Array.from({ length: 20 }, () => random.int(0, 1_000_000));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('forks streams from the seed and label only, not from the draws made before', () => {
    const a = new Random(7);
    const b = new Random(7);
    b.next();
    b.next();
    expect(a.fork('worker-1').next()).toBe(b.fork('worker-1').next());
    expect(a.fork('worker-1').seed).not.toBe(a.fork('worker-2').seed);
    expect(deriveSeed(7, 'x')).toBe(deriveSeed(7, 'x'));
  });

  it('stays in range and spreads over it', () => {
    const random = new Random(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i += 1) {
      const value = random.int(0, 3);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(3);
      counts[value] = (counts[value] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(800);
    const f = random.float(2, 3);
    expect(f).toBeGreaterThanOrEqual(2);
    expect(f).toBeLessThan(3);
  });

  it('rejects seeds outside 0..SEED_MAX with a RangeError naming the seed', () => {
    expect(() => new Random(-1)).toThrow(/seed must be an integer from 0 to 4294967295/);
    expect(() => new Random(SEED_MAX + 1)).toThrow(RangeError);
    expect(() => new Random(1.5)).toThrow(RangeError);
    expect(() => new Random(0).int(3, 2)).toThrow(RangeError);
    expect(() => new Random(0).pick([])).toThrow(RangeError);
  });
});
