import { describe, expect, it } from 'vitest';
import { decideInspection, parseReading, type NodeReading } from '../../../src/inspect.js';

const held = (holder: string, ttlMs: number): NodeReading => ({ holder, ttlMs });
const free: NodeReading = { holder: null, ttlMs: 0 };
const readings = (...list: (NodeReading | undefined)[]): Map<number, NodeReading> =>
  new Map(list.flatMap((reading, index) => (reading ? [[index, reading] as const] : [])));
const decide = (n: number, list: Map<number, NodeReading>, elapsedMs = 0, driftFactor = 0.01) =>
  decideInspection(['r'], n, list, new Map(), elapsedMs, driftFactor);

describe('parseReading', () => {
  it('reads one value and the least TTL of every resource', () => {
    expect(parseReading(['v', 900, 'v', 400], 2)).toEqual({ holder: 'v', ttlMs: 400 });
  });
  it('is free when any resource is absent, or held by another lock', () => {
    expect(parseReading(['v', 900, '', -2], 2)).toEqual(free);
    expect(parseReading(['v', 900, 'w', 900], 2)).toEqual(free);
  });
  it('counts a key with no expiry as held with no end', () => {
    expect(parseReading(['v', -1], 1)).toEqual({ holder: 'v', ttlMs: Number.POSITIVE_INFINITY });
  });
  it('refuses a reply of the wrong shape', () => {
    expect(parseReading([1, '0'], 2)).toBeInstanceOf(Error);
    expect(parseReading('OK', 1)).toBeInstanceOf(Error);
  });
});

describe('decideInspection', () => {
  it('is held for the quorum-th largest TTL minus elapsed and drift', () => {
    // N = 5, quorum 3: TTLs 5000, 4000, 3000 -> 3000 on a quorum; drift 3000*0.01+2 = 32.
    const result = decide(5, readings(held('v', 5000), held('v', 3000), held('v', 4000)), 100);
    expect(result.state).toBe('held');
    expect(result.heldForMs).toBe(3000 - 100 - 32);
    expect(result.nodesHolding).toBe(3);
  });

  it('does not call held what only a minority holds, nor two locks that together make a quorum', () => {
    expect(decide(5, readings(held('v', 5000), held('v', 5000), free)).state).toBe('unknown');
    expect(decide(5, readings(held('v', 5000), held('v', 5000), held('w', 5000))).state).toBe('unknown');
  });

  it('is free once more than N - Q nodes hold no single lock', () => {
    expect(decide(5, readings(free, free, free)).state).toBe('free');
    expect(decide(5, readings(free, free, held('v', 5000))).state).toBe('unknown');
    expect(decide(3, readings(free, free)).state).toBe('free');
  });

  it('is unknown, not held, when the quorum lock may expire within the read time and drift', () => {
    const result = decide(3, readings(held('v', 100), held('v', 100)), 98);
    // 100 - 98 - (1 + 2) < 0: it may be gone already.
    expect(result.state).toBe('unknown');
    expect(result.heldForMs).toBe(0);
  });

  it('is unknown when too few nodes answered', () => {
    expect(decide(5, readings(held('v', 5000), held('v', 5000))).state).toBe('unknown');
    expect(decide(5, new Map()).state).toBe('unknown');
  });
});
