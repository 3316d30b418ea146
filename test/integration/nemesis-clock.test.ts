import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { FaultEvent } from '../../sim/history/types.js';
import { clockJump, clockRate, type Nemesis, type NemesisContext } from '../../sim/nemesis/index.js';
import { openAdminConnection } from '../../sim/testbed/redis-admin.js';
import { startEmbeddedTestbed, type Testbed } from '../../sim/testbed/testbed.js';

// The key-level clock emulation on real redis-servers: node 0 gets the clock fault, node 1
// is the control whose keys age at the real rate.
let testbed: Testbed | undefined;
let faulted: Redis | undefined;
let control: Redis | undefined;
const events: FaultEvent[] = [];
let active: Nemesis | undefined;

function context(): NemesisContext {
  if (!testbed) throw new Error('testbed did not start');
  return { testbed, workers: [], random: () => 0, ttlMs: 1000, record: (event) => events.push(event) };
}

function node0(): Redis {
  if (!faulted) throw new Error('no connection');
  return faulted;
}

function node1(): Redis {
  if (!control) throw new Error('no connection');
  return control;
}

beforeAll(async () => {
  testbed = await startEmbeddedTestbed({ nodes: 2, groups: 1 });
  [faulted, control] = await Promise.all(testbed.directEndpoints().map((endpoint) => openAdminConnection(endpoint)));
});
afterEach(async () => {
  if (active) await active.teardown(context());
  active = undefined;
  events.length = 0;
  await testbed?.flushAll();
});
afterAll(async () => {
  faulted?.disconnect();
  control?.disconnect();
  await testbed?.stop();
});

describe('clockJump', () => {
  it('shortens every lock key by the jump and expires the short ones, on that node only', async () => {
    // Time passes between the SETs and each read: `aged()` is how much, at most, so each
    // bound below is exact up to the 1 ms rounding of PTTL, however slow the machine.
    const setMs = performance.now();
    const aged = (): number => performance.now() - setMs + 1;
    await node0().set('long', 'v', 'PX', 5_000);
    // Short enough for the 1,000 ms jump to expire it, long enough that it does not expire
    // by itself before the jump runs, however slow the setup is.
    await node0().set('short', 'v', 'PX', 900);
    await node0().set('forever', 'v');
    await node0().set('long:fence', '7', 'PX', 5_000);
    await node1().set('long', 'v', 'PX', 5_000);
    const nemesis = clockJump({ node: 0, jumpMs: 1_000 });
    active = nemesis;
    await nemesis.setup(context());
    await nemesis.inject(context());
    const pttl = await node0().pttl('long');
    expect(pttl).toBeLessThanOrEqual(4_000);
    expect(pttl).toBeGreaterThanOrEqual(4_000 - aged());
    expect(await node0().exists('short')).toBe(0);
    expect(await node0().pttl('forever')).toBe(-1);
    // Fence counters and the other node are not moved: only real time has passed for them.
    expect(await node0().pttl('long:fence')).toBeGreaterThanOrEqual(5_000 - aged());
    expect(await node1().pttl('long')).toBeGreaterThanOrEqual(5_000 - aged());
    expect(events[0]?.detail).toBe('node 0 clock +1000 ms: 1 lock keys moved, 1 expired');
    // Idempotent: a second inject does not jump again.
    await nemesis.inject(context());
    expect(await node0().pttl('long')).toBeGreaterThanOrEqual(4_000 - aged());
    await nemesis.heal(context());
    expect(events.map((event) => event.type)).toEqual(['start', 'stop']);
  });

  it('touches only keys matching the pattern, and a backward jump lengthens', async () => {
    const setMs = performance.now();
    await node0().set('lock:a', 'v', 'PX', 2_000);
    await node0().set('other', 'v', 'PX', 2_000);
    const nemesis = clockJump({ node: 0, jumpMs: -1_000, keyPattern: 'lock:*' });
    active = nemesis;
    await nemesis.setup(context());
    await nemesis.inject(context());
    expect(await node0().pttl('lock:a')).toBeGreaterThanOrEqual(3_000 - (performance.now() - setMs) - 1);
    expect(await node0().pttl('other')).toBeLessThanOrEqual(2_000);
  });

  it('validates its parameters', async () => {
    expect(() => clockJump({ node: 0, jumpMs: 0 })).toThrow(/jumpMs must be an integer/);
    expect(() => clockJump({ node: 0, jumpMs: 1.5 })).toThrow(/jumpMs must be an integer/);
    await expect(clockJump({ node: 2, jumpMs: 10 }).setup(context())).rejects.toThrow(/node must be an integer from 0 to 1/);
  });
});

describe('clockRate', () => {
  /**
   * Runs clockRate on node 0 for `forMs` while node 1 keeps real time, with a 10 s key on
   * each, and returns what the assertions need: how far node 0's key fell behind node 1's,
   * what the nemesis reports it shaved, and the skew of the measurement itself (the two
   * SETs and the two PTTLs are each sent together; whatever time separates them is the
   * most the comparison can be off by, plus 1 ms of PTTL rounding per read).
   */
  async function rateRun(rate: number, tickMs: number, forMs: number) {
    const setStartMs = performance.now();
    await Promise.all([node0().set('lock', 'v', 'PX', 10_000), node1().set('lock', 'v', 'PX', 10_000)]);
    const setSkewMs = performance.now() - setStartMs;
    const nemesis = clockRate({ node: 0, rate, tickMs });
    active = nemesis;
    await nemesis.setup(context());
    const injectMs = performance.now();
    await nemesis.inject(context());
    await new Promise((resolve) => setTimeout(resolve, forMs));
    await nemesis.heal(context());
    const injectedMs = performance.now() - injectMs;
    const readStartMs = performance.now();
    const [fast, real] = await Promise.all([node0().pttl('lock'), node1().pttl('lock')]);
    const readSkewMs = performance.now() - readStartMs;
    const match = /after (\d+) ticks, (\d+) ms shaved/.exec(events[1]?.detail ?? '');
    return {
      behindMs: real - fast,
      ticks: Number(match?.[1]),
      shavedMs: Number(match?.[2]),
      injectedMs,
      skewMs: setSkewMs + readSkewMs + 2,
    };
  }

  it('x3 makes lock keys age three times as fast until heal', async () => {
    const tickMs = 20;
    const run3 = await rateRun(3, tickMs, 500);
    // Node 0's key is behind by exactly what the nemesis shaved, give or take the skew.
    expect(Math.abs(run3.behindMs - run3.shavedMs)).toBeLessThanOrEqual(run3.skewMs);
    // It shaves (rate - 1) x real time: never more than the injected time allows, and at
    // least (rate - 1) x tickMs for each tick it made (a tick never fires before tickMs).
    expect(run3.shavedMs).toBeLessThanOrEqual(2 * run3.injectedMs + 1);
    expect(run3.ticks).toBeGreaterThan(0);
    expect(run3.shavedMs).toBeGreaterThanOrEqual(2 * run3.ticks * (tickMs - 1) - 1);
    // After heal node 0 ages at the real rate again: the gap stays where it was.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const readStartMs = performance.now();
    const [fastAfter, realAfter] = await Promise.all([node0().pttl('lock'), node1().pttl('lock')]);
    const readSkewMs = performance.now() - readStartMs;
    expect(Math.abs(realAfter - fastAfter - run3.behindMs)).toBeLessThanOrEqual(run3.skewMs + readSkewMs + 2);
    expect(events.map((event) => event.type)).toEqual(['start', 'stop']);
    expect(events[1]?.detail).toMatch(/node 0 clock back to x1 after \d+ ticks/);
  });

  it('x1.1 adds up sub-millisecond shaves exactly', async () => {
    const tickMs = 10;
    const run11 = await rateRun(1.1, tickMs, 600);
    expect(Math.abs(run11.behindMs - run11.shavedMs)).toBeLessThanOrEqual(run11.skewMs);
    // 0.1 x the real time; each tick is worth about 1 ms, so without the carry of the
    // remainder the total would come out short (or zero for ticks under 10 ms).
    expect(run11.shavedMs).toBeLessThanOrEqual(0.1 * run11.injectedMs + 1);
    expect(run11.ticks).toBeGreaterThan(0);
    expect(run11.shavedMs).toBeGreaterThanOrEqual(Math.floor(0.1 * run11.ticks * (tickMs - 1)) - 1);
  });

  it('expires keys whose emulated time runs out, before their real TTL', async () => {
    const rate = 5;
    const ttlMs = 3_000;
    const setMs = performance.now();
    await node0().set('lock', 'v', 'PX', ttlMs);
    const nemesis = clockRate({ node: 0, rate, tickMs: 20 });
    active = nemesis;
    await nemesis.setup(context());
    await nemesis.inject(context());
    while ((await node0().exists('lock')) === 1 && performance.now() - setMs < ttlMs) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const goneMs = performance.now() - setMs;
    // Gone once its emulated time ran out (ttlMs / rate of real time), and so before the
    // real TTL would have removed it.
    expect(await node0().exists('lock')).toBe(0);
    expect(goneMs).toBeGreaterThanOrEqual(ttlMs / rate - 1);
    expect(goneMs).toBeLessThan(ttlMs);
  });

  it('validates its parameters', () => {
    expect(() => clockRate({ node: 0, rate: 0 })).toThrow(/rate must be a number from 0.01 to 100/);
    expect(() => clockRate({ node: 0, rate: 2, tickMs: 1 })).toThrow(/tickMs must be an integer from 10 to 10000/);
  });
});
