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
    await node0().set('long', 'v', 'PX', 5_000);
    await node0().set('short', 'v', 'PX', 300);
    await node0().set('forever', 'v');
    await node0().set('long:fence', '7', 'PX', 5_000);
    await node1().set('long', 'v', 'PX', 5_000);
    const nemesis = clockJump({ node: 0, jumpMs: 1_000 });
    active = nemesis;
    await nemesis.setup(context());
    await nemesis.inject(context());
    const pttl = await node0().pttl('long');
    expect(pttl).toBeLessThanOrEqual(4_000);
    expect(pttl).toBeGreaterThan(3_700);
    expect(await node0().exists('short')).toBe(0);
    expect(await node0().pttl('forever')).toBe(-1);
    expect(await node0().pttl('long:fence')).toBeGreaterThan(4_700);
    expect(await node1().pttl('long')).toBeGreaterThan(4_700);
    expect(events[0]?.detail).toBe('node 0 clock +1000 ms: 1 lock keys moved, 1 expired');
    // Idempotent: a second inject does not jump again.
    await nemesis.inject(context());
    expect(await node0().pttl('long')).toBeGreaterThan(3_700);
    await nemesis.heal(context());
    expect(events.map((event) => event.type)).toEqual(['start', 'stop']);
  });

  it('touches only keys matching the pattern, and a backward jump lengthens', async () => {
    await node0().set('lock:a', 'v', 'PX', 2_000);
    await node0().set('other', 'v', 'PX', 2_000);
    const nemesis = clockJump({ node: 0, jumpMs: -1_000, keyPattern: 'lock:*' });
    active = nemesis;
    await nemesis.setup(context());
    await nemesis.inject(context());
    expect(await node0().pttl('lock:a')).toBeGreaterThan(2_700);
    expect(await node0().pttl('other')).toBeLessThanOrEqual(2_000);
  });

  it('validates its parameters', async () => {
    expect(() => clockJump({ node: 0, jumpMs: 0 })).toThrow(/jumpMs must be an integer/);
    expect(() => clockJump({ node: 0, jumpMs: 1.5 })).toThrow(/jumpMs must be an integer/);
    await expect(clockJump({ node: 2, jumpMs: 10 }).setup(context())).rejects.toThrow(/node must be an integer from 0 to 1/);
  });
});

describe('clockRate', () => {
  it('x3 makes lock keys age three times as fast until heal', async () => {
    await Promise.all([node0().set('lock', 'v', 'PX', 10_000), node1().set('lock', 'v', 'PX', 10_000)]);
    const nemesis = clockRate({ node: 0, rate: 3, tickMs: 20 });
    active = nemesis;
    await nemesis.setup(context());
    await nemesis.inject(context());
    await new Promise((resolve) => setTimeout(resolve, 500));
    await nemesis.heal(context());
    const [fast, real] = await Promise.all([node0().pttl('lock'), node1().pttl('lock')]);
    // Real time passed on both; node 0 also lost 2 x (time injected), about 1000 ms.
    expect(real - fast).toBeGreaterThan(800);
    expect(real - fast).toBeLessThan(1_300);
    // After heal node 0 ages at the real rate again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [fastAfter, realAfter] = await Promise.all([node0().pttl('lock'), node1().pttl('lock')]);
    expect(Math.abs(realAfter - fastAfter - (real - fast))).toBeLessThan(30);
    expect(events.map((event) => event.type)).toEqual(['start', 'stop']);
    expect(events[1]?.detail).toMatch(/node 0 clock back to x1 after \d+ ticks/);
  });

  it('x1.1 adds up sub-millisecond shaves exactly', async () => {
    await Promise.all([node0().set('lock', 'v', 'PX', 10_000), node1().set('lock', 'v', 'PX', 10_000)]);
    const nemesis = clockRate({ node: 0, rate: 1.1, tickMs: 10 });
    active = nemesis;
    await nemesis.setup(context());
    await nemesis.inject(context());
    await new Promise((resolve) => setTimeout(resolve, 600));
    await nemesis.heal(context());
    const [fast, real] = await Promise.all([node0().pttl('lock'), node1().pttl('lock')]);
    // 0.1 x 600 ms = 60 ms (each tick shaves ~1 ms: without the carry it would shave 0).
    expect(real - fast).toBeGreaterThan(40);
    expect(real - fast).toBeLessThan(85);
  });

  it('expires keys whose emulated time runs out', async () => {
    await node0().set('lock', 'v', 'PX', 600);
    const nemesis = clockRate({ node: 0, rate: 5, tickMs: 20 });
    active = nemesis;
    await nemesis.setup(context());
    await nemesis.inject(context());
    await new Promise((resolve) => setTimeout(resolve, 200)); // 200 ms real = 1000 ms emulated
    expect(await node0().exists('lock')).toBe(0);
  });

  it('validates its parameters', () => {
    expect(() => clockRate({ node: 0, rate: 0 })).toThrow(/rate must be a number from 0.01 to 100/);
    expect(() => clockRate({ node: 0, rate: 2, tickMs: 1 })).toThrow(/tickMs must be an integer from 10 to 10000/);
  });
});
