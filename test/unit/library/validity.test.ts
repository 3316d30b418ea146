import { describe, expect, it } from 'vitest';
import { driftMs, validityMs } from '../../../src/validity.js';
import { retryDelayMs } from '../../../src/retry-delay.js';

/** A hand-driven monotonic clock, as the library takes one. */
function fakeClock(startMs = 1_000): { now: () => number; advance: (ms: number) => void } {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms) => (nowMs += ms) };
}

describe('drift and validity', () => {
  it('matches the spec figures for TTL 1000 ms and driftFactor 0.01', () => {
    expect(driftMs(1000, 0.01)).toBe(12);
    expect(validityMs(1000, 0, 0.01)).toBe(988);
  });

  it('subtracts the time the acquisition took', () => {
    // validityMs is pure: it is given the elapsed time. That the library reads it on the
    // Redlock's injected clock is checked against real servers in
    // test/integration/library-injected-clock.test.ts (an attempt that takes exactly
    // TTL - drift - 1 ms on a frozen clock leaves exactly 1 ms).
    expect(validityMs(1000, 250, 0.01)).toBe(738);
    expect(validityMs(1000, 251, 0.01)).toBe(737);
  });

  it('leaves no validity once elapsed + drift reaches the TTL', () => {
    const clock = fakeClock();
    const start = clock.now();
    clock.advance(988);
    expect(validityMs(1000, clock.now() - start, 0.01)).toBe(0);
    clock.advance(1);
    expect(validityMs(1000, clock.now() - start, 0.01)).toBeLessThan(0);
  });

  it('rounds the drift as node-redlock v5 does', () => {
    expect(driftMs(150, 0.01)).toBe(4); // 1.5 rounds up
    expect(driftMs(149, 0.01)).toBe(3);
    expect(driftMs(1, 0)).toBe(2);
  });

  it('handles durations near Number.MAX_SAFE_INTEGER / 10 without losing the sign', () => {
    const ttl = Math.floor(Number.MAX_SAFE_INTEGER / 10);
    expect(validityMs(ttl, 5, 0.01)).toBeGreaterThan(0);
  });
});

describe('retryDelayMs', () => {
  it('spreads uniformly over [delay - jitter, delay + jitter] and is never negative', () => {
    expect(retryDelayMs(200, 100, () => 0)).toBe(100);
    expect(retryDelayMs(200, 100, () => 0.5)).toBe(200);
    expect(retryDelayMs(200, 100, () => 0.999999)).toBe(299);
    expect(retryDelayMs(10, 100, () => 0)).toBe(0);
  });
});
