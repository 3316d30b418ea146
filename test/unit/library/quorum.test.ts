import { describe, expect, it } from 'vitest';
import { decide, quorumSize } from '../../../src/quorum.js';

describe('quorumSize', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [7, 4],
  ])('N = %i needs %i', (n, quorum) => {
    expect(quorumSize(n)).toBe(quorum);
  });
});

describe('decide', () => {
  it('stays pending until a quorum for or against is certain', () => {
    expect(decide(5, 2, 2)).toBe('pending');
    expect(decide(5, 3, 0)).toBe('for');
    expect(decide(5, 0, 3)).toBe('against');
    expect(decide(5, 2, 3)).toBe('against');
  });

  it('decides against as soon as a quorum is impossible, not when the refusals reach a quorum', () => {
    // N = 4: quorum 3, so two refusals leave at most 2 votes for.
    expect(decide(4, 0, 2)).toBe('against');
    expect(decide(4, 2, 1)).toBe('pending');
    expect(decide(4, 3, 1)).toBe('for');
  });

  it('a single node decides alone', () => {
    expect(decide(1, 1, 0)).toBe('for');
    expect(decide(1, 0, 1)).toBe('against');
  });

  it('never decides both ways over any vote sequence', () => {
    for (let n = 1; n <= 9; n += 1) {
      for (let votesFor = 0; votesFor <= n; votesFor += 1) {
        for (let against = 0; against + votesFor <= n; against += 1) {
          const decision = decide(n, votesFor, against);
          if (votesFor + against === n) expect(decision).not.toBe('pending');
          if (decision === 'for') expect(votesFor).toBeGreaterThan(n / 2);
          if (decision === 'against') expect(n - against).toBeLessThan(quorumSize(n));
        }
      }
    }
  });
});
