import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, monotonicMs } from '../../src/index.js';
import { findOverlaps, type HoldInterval } from './helpers/hold-intervals.js';
import { waitReady, withServers, lockKeysSettle } from './helpers/servers.js';

const RESOURCES = ['excl-a', 'excl-b', 'excl-c'];
const TTL_MS = 500;
/** Each hold lasts 0 to HOLD_MS_MAX ms. */
const HOLD_MS_MAX = 2;
/** Every worker stops when the total reaches this, or at the deadline. */
const DEADLINE_MS = 40_000;
const SETTINGS = { retryCount: 100, retryDelay: 3, retryJitter: 3 } as const;

describe('the hold-interval check', () => {
  it('finds an overlap in a hand-made overlapping pair', () => {
    const overlaps = findOverlaps([
      { resource: 'r', holder: 'x', startMs: 10, endMs: 20 },
      { resource: 'r', holder: 'y', startMs: 19, endMs: 30 },
    ]);
    expect(overlaps).toHaveLength(1);
    expect(overlaps[0]!.first.holder).toBe('x');
    expect(overlaps[0]!.second.holder).toBe('y');
  });

  it('finds an interval nested in a long one, even after a short one in between', () => {
    const overlaps = findOverlaps([
      { resource: 'r', holder: 'long', startMs: 0, endMs: 100 },
      { resource: 'r', holder: 'short', startMs: 10, endMs: 11 },
      { resource: 'r', holder: 'late', startMs: 50, endMs: 60 },
    ]);
    expect(overlaps.map((o) => o.second.holder)).toEqual(['short', 'late']);
  });

  it('accepts touching intervals and overlaps on different resources', () => {
    expect(
      findOverlaps([
        { resource: 'r', holder: 'x', startMs: 10, endMs: 20 },
        { resource: 'r', holder: 'y', startMs: 20, endMs: 30 },
        { resource: 's', holder: 'z', startMs: 15, endMs: 25 },
      ]),
    ).toEqual([]);
  });
});

describe.each([
  { count: 3, acquirers: 20, target: 2_000 },
  { count: 5, acquirers: 10, target: 1_000 },
  { count: 1, acquirers: 10, target: 1_000 },
])('exclusivity among $acquirers concurrent acquirers with N = $count', ({ count, acquirers, target }) => {
  const fx = withServers(count);

  it(`gives no two holders the same resource at once over ${target}+ acquisitions`, async () => {
    const clientSets = Array.from({ length: acquirers }, () => fx.connect());
    await waitReady(clientSets.flat());
    const redlocks = clientSets.map((clients) => new Redlock(clients, SETTINGS));
    const intervals: HoldInterval[] = [];
    let gaveUp = 0;
    const earlyGiveUps: number[] = [];
    let pastValidity = 0;
    let contended = 0;
    const deadlineMs = monotonicMs() + DEADLINE_MS;

    const worker = async (redlock: Redlock, id: number): Promise<void> => {
      let turn = 0;
      while (intervals.length < target && monotonicMs() < deadlineMs) {
        const resource = RESOURCES[(id + turn) % RESOURCES.length]!;
        turn += 1;
        let lock;
        try {
          lock = await redlock.acquire([resource], TTL_MS);
        } catch (error) {
          if (!(error instanceof ExecutionError)) throw error;
          // A give-up is only allowed once every retry was spent.
          if (error.attemptCount !== SETTINGS.retryCount + 1) earlyGiveUps.push(error.attemptCount);
          gaveUp += 1;
          continue;
        }
        const startMs = monotonicMs();
        if (lock.attempts.length > 1) contended += 1;
        const holdMs = Math.floor(Math.random() * (HOLD_MS_MAX + 1));
        if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
        else await new Promise((resolve) => setImmediate(resolve));
        const releaseMs = monotonicMs();
        // The claim holds within validity; past it another holder may rightly exist.
        if (releaseMs > lock.validUntilMs) pastValidity += 1;
        intervals.push({ resource, holder: `acquirer ${id} ${lock.value}`, startMs, endMs: Math.min(releaseMs, lock.validUntilMs) });
        await lock.release();
      }
    };
    await Promise.all(redlocks.map((redlock, id) => worker(redlock, id)));

    console.log(
      `exclusivity N=${count}: ${intervals.length} acquisitions by ${acquirers} acquirers over ${RESOURCES.length} resources ` +
        `(${contended} needed retries, ${gaveUp} gave up after retries, ${pastValidity} holds ran past validity)`,
    );
    expect(intervals.length).toBeGreaterThanOrEqual(target);
    // Every acquirer that gave up had made retryCount + 1 attempts, never fewer; and with
    // 101 attempts, jittered, against holds of at most HOLD_MS_MAX, none should give up at
    // all (losing 101 jittered races in a row to a handful of rivals is far below 1e-9).
    expect(earlyGiveUps).toEqual([]);
    expect(gaveUp).toBe(0);
    // The acquirers really contended: many acquisitions waited for another holder.
    expect(contended).toBeGreaterThan(intervals.length / 10);
    for (const resource of RESOURCES) expect(intervals.filter((i) => i.resource === resource).length).toBeGreaterThan(target / RESOURCES.length / 2);
    const overlaps = findOverlaps(intervals);
    expect(overlaps.slice(0, 5)).toEqual([]);
    expect(pastValidity).toBeLessThan(intervals.length / 100);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });
});
