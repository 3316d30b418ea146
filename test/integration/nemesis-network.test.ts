import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultEvent } from '../../sim/history/types.js';
import {
  asymmetricPartition,
  latency,
  oneWayLoss,
  partition,
  resets,
  type Nemesis,
  type NemesisContext,
} from '../../sim/nemesis/index.js';
import { probe, probePing } from '../../sim/testbed/probe.js';
import { startEmbeddedTestbed, type Testbed } from '../../sim/testbed/testbed.js';

// Every Toxiproxy nemesis against a real toxiproxy-server and real redis-servers:
// 3 nodes, 2 client groups. Probes use a fresh socket each, so no state carries over.
// No assertion here depends on how fast this machine answers: a path expected to answer
// gets a generous bound, a path expected dead is a timeout (which load cannot turn into an
// answer), and a latency is checked against the latency injected.
const ANSWER_MS = 2_000; // how long a probe of a path expected to answer may wait
const BLACKHOLE_MS = 400; // how long a probe waits before calling a path dead
const LATENCY_MS = 200;
/** Probes of an unfaulted path whose median is compared with the injected latency. */
const MEDIAN_PROBES = 5;

let testbed: Testbed | undefined;
const events: FaultEvent[] = [];
let active: Nemesis | undefined;

function bed(): Testbed {
  if (!testbed) throw new Error('testbed did not start');
  return testbed;
}

function context(): NemesisContext {
  return { testbed: bed(), workers: [], random: () => 0.5, ttlMs: 1000, record: (event) => events.push(event) };
}

async function run(nemesis: Nemesis): Promise<NemesisContext> {
  active = nemesis;
  const ctx = context();
  await nemesis.setup(ctx);
  await nemesis.inject(ctx);
  return ctx;
}

function through(group: number, node: number) {
  return bed().clientEndpoints(group)[node]!;
}

/** Every path answers PONG and no proxy has a toxic left: what a heal promises. */
async function allPathsHealthy(): Promise<void> {
  for (const group of [0, 1]) {
    for (const node of [0, 1, 2]) {
      const reply = await probePing(through(group, node), ANSWER_MS);
      expect(reply, `g${group}-n${node}`).toMatchObject({ ok: true, reply: '+PONG' });
      const proxy = bed().proxy(group, node);
      const { data } = await proxy.api.get<unknown[]>(`${proxy.getPath()}/toxics`);
      expect(data, `g${group}-n${node} toxics`).toEqual([]);
    }
  }
}

/** The median PING time of a path, over MEDIAN_PROBES fresh connections. */
async function medianPingMs(group: number, node: number): Promise<number> {
  const times: number[] = [];
  for (let probeIndex = 0; probeIndex < MEDIAN_PROBES; probeIndex += 1) {
    const reply = await probePing(through(group, node), ANSWER_MS);
    expect(reply).toMatchObject({ ok: true, reply: '+PONG' });
    times.push(reply.elapsedMs);
  }
  return times.sort((a, b) => a - b)[Math.floor(MEDIAN_PROBES / 2)]!;
}

/** The path answers (within the generous ANSWER_MS). */
async function expectAnswers(group: number, node: number): Promise<void> {
  expect(await probePing(through(group, node), ANSWER_MS), `g${group}-n${node} answers`).toMatchObject({ ok: true, reply: '+PONG' });
}

/** The path is black-holed: the probe times out (a refusal or a reset would fail sooner). */
async function expectBlackHoled(group: number, node: number): Promise<void> {
  const reply = await probePing(through(group, node), BLACKHOLE_MS);
  expect(reply, `g${group}-n${node} black-holed`).toMatchObject({ ok: false, error: expect.stringMatching(/no reply .* within/) });
}

beforeAll(async () => {
  testbed = await startEmbeddedTestbed({ nodes: 3, groups: 2 });
});
afterEach(async () => {
  // Heal even when a test failed half-way, so the next one starts clean.
  if (active) await active.teardown(context());
  active = undefined;
  events.length = 0;
  await bed().healAll();
});
afterAll(async () => {
  await testbed?.stop();
});

describe('latency', () => {
  it('adds the latency to a PING through the chosen nodes only, and heals', async () => {
    await allPathsHealthy();
    const nemesis = latency({ nodes: [0], latencyMs: LATENCY_MS, jitterMs: 0 });
    const ctx = await run(nemesis);
    for (const group of [0, 1]) {
      // The fault's promise: every reply through node 0 waits at least the latency.
      const slow = await probePing(through(group, 0), ANSWER_MS + LATENCY_MS);
      expect(slow.ok).toBe(true);
      expect(slow.elapsedMs).toBeGreaterThanOrEqual(LATENCY_MS);
      // Node 1 carries no latency: its typical (median) reply is faster than the latency.
      expect(await medianPingMs(group, 1)).toBeLessThan(LATENCY_MS);
    }
    await nemesis.heal(ctx);
    await allPathsHealthy();
    expect(events.map((event) => event.type)).toEqual(['start', 'stop']);
    expect(events[0]).toMatchObject({ kind: 'fault', name: 'latency' });
    expect(events[0]!.detail).toContain('nodes 0 +200 ms');
  });

  it('is idempotent: a second inject adds nothing and records nothing', async () => {
    const nemesis = latency({ nodes: [1], latencyMs: 100, groups: [1] });
    const ctx = await run(nemesis);
    await nemesis.inject(ctx);
    const { data } = await bed().proxy(1, 1).api.get<unknown[]>(`${bed().proxy(1, 1).getPath()}/toxics`);
    expect(data).toHaveLength(2); // one per stream
    const { data: untouched } = await bed().proxy(0, 1).api.get<unknown[]>(`${bed().proxy(0, 1).getPath()}/toxics`);
    expect(untouched).toHaveLength(0);
    await nemesis.heal(ctx);
    await nemesis.heal(ctx);
    expect(events.map((event) => event.type)).toEqual(['start', 'stop']);
  });

  it('validates its parameters, naming them', () => {
    expect(() => latency({ nodes: [], latencyMs: 10 })).toThrow(/nodes must be a non-empty list/);
    expect(() => latency({ nodes: [0], latencyMs: -1 })).toThrow(/latencyMs must be an integer from 0 to 60000/);
    expect(() => latency({ nodes: [0], latencyMs: 10, jitterMs: 20 })).toThrow(/jitterMs must be an integer from 0 to 10/);
    expect(() => latency({ nodes: [0, 0], latencyMs: 10 })).toThrow(/must not repeat/);
  });

  it('rejects a node the testbed does not have', async () => {
    await expect(latency({ nodes: [3], latencyMs: 10 }).setup(context())).rejects.toThrow(/nodes must be an integer from 0 to 2/);
  });
});

describe('partition', () => {
  it("black-holes one group's path to a node while the other group still answers", async () => {
    const nemesis = partition({ nodes: [0], groups: [0] });
    const ctx = await run(nemesis);
    await expectBlackHoled(0, 0);
    await expectAnswers(1, 0);
    await expectAnswers(0, 1);
    await nemesis.heal(ctx);
    await allPathsHealthy();
  });

  it('cuts a majority for every group by default', async () => {
    const nemesis = partition({ nodes: [0, 1] });
    const ctx = await run(nemesis);
    for (const group of [0, 1]) {
      await expectBlackHoled(group, 0);
      await expectBlackHoled(group, 1);
      await expectAnswers(group, 2);
    }
    expect(events[0]!.detail).toBe('nodes 0,1 black-holed for groups 0,1');
    await nemesis.heal(ctx);
    await allPathsHealthy();
  });
});

describe('asymmetricPartition', () => {
  it('lets each group reach only its own nodes', async () => {
    const nemesis = asymmetricPartition({ reach: [[0, 1], [1, 2]] });
    const ctx = await run(nemesis);
    await expectAnswers(0, 0);
    await expectAnswers(0, 1);
    await expectBlackHoled(0, 2);
    await expectBlackHoled(1, 0);
    await expectAnswers(1, 1);
    await expectAnswers(1, 2);
    await nemesis.heal(ctx);
    await allPathsHealthy();
  });

  it('rejects more groups than the testbed has', async () => {
    await expect(asymmetricPartition({ reach: [[0], [1], [2]] }).setup(context())).rejects.toThrow(
      /reach.length must be an integer from 1 to 2/,
    );
  });
});

describe('oneWayLoss', () => {
  it('applies the SET but loses its reply', async () => {
    const nemesis = oneWayLoss({ nodes: [0], groups: [0] });
    const ctx = await run(nemesis);
    const set = await probe(through(0, 0), ['SET', 'one-way', 'applied'], BLACKHOLE_MS);
    expect(set.ok).toBe(false);
    const direct = bed().directEndpoints()[0]!;
    // The probe gave up waiting for the reply, which says nothing about when Toxiproxy
    // passed the SET on to Redis: on a loaded machine that can come later still.
    await expect
      .poll(() => probe(direct, ['GET', 'one-way'], ANSWER_MS), { timeout: ANSWER_MS, interval: 20 })
      .toMatchObject({ ok: true, reply: 'applied' });
    expect(await probePing(through(1, 0), ANSWER_MS)).toMatchObject({ ok: true });
    await nemesis.heal(ctx);
    await allPathsHealthy();
    await bed().flushAll();
  });

  it('loses the request on the upstream stream', async () => {
    const nemesis = oneWayLoss({ nodes: [1], groups: [1], stream: 'upstream' });
    const ctx = await run(nemesis);
    expect((await probe(through(1, 1), ['SET', 'lost', 'x'], BLACKHOLE_MS)).ok).toBe(false);
    expect(await probe(bed().directEndpoints()[1]!, ['EXISTS', 'lost'], ANSWER_MS)).toMatchObject({ ok: true, reply: ':0' });
    await nemesis.heal(ctx);
    await allPathsHealthy();
  });
});

describe('resets', () => {
  it('reset_peer breaks connections at once', async () => {
    const nemesis = resets({ nodes: [0], groups: [0], kind: 'reset_peer', timeoutMs: 0 });
    const ctx = await run(nemesis);
    const reply = await probePing(through(0, 0), ANSWER_MS);
    // A reset, not a timeout: the connection itself failed.
    expect(reply).toMatchObject({ ok: false, error: expect.not.stringMatching(/no reply .* within/) });
    await nemesis.heal(ctx);
    await allPathsHealthy();
  });

  it('limit_data closes a connection after the byte limit', async () => {
    const nemesis = resets({ nodes: [0], kind: 'limit_data', bytes: 16 });
    const ctx = await run(nemesis);
    const reply = await probe(through(1, 0), ['SET', 'big', 'x'.repeat(200)], ANSWER_MS);
    expect(reply.ok).toBe(false);
    await nemesis.heal(ctx);
    await allPathsHealthy();
  });

  it('bandwidth slows a large write down', async () => {
    const nemesis = resets({ nodes: [2], kind: 'bandwidth', rateKBps: 10 });
    const ctx = await run(nemesis);
    const reply = await probe(through(0, 2), ['SET', 'big', 'x'.repeat(5_000)], 3_000);
    expect(reply).toMatchObject({ ok: true, reply: '+OK' });
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(300); // 5 KB at 10 KB/s is ~500 ms
    await nemesis.heal(ctx);
    await allPathsHealthy();
  });

  it('slicer delays every slice', async () => {
    const nemesis = resets({ nodes: [1], kind: 'slicer', averageSizeBytes: 1, sizeVariationBytes: 0, delayUs: 10_000 });
    const ctx = await run(nemesis);
    const reply = await probePing(through(0, 1), 3_000);
    expect(reply).toMatchObject({ ok: true, reply: '+PONG' });
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(100); // ~20 one-byte slices, 10 ms apart
    await nemesis.heal(ctx);
    await allPathsHealthy();
  });

  it('validates its parameters, naming them', () => {
    expect(() => resets({ nodes: [0], kind: 'limit_data', bytes: 0 })).toThrow(/bytes must be an integer from 1/);
    expect(() => resets({ nodes: [0], kind: 'slicer', averageSizeBytes: 4, sizeVariationBytes: 4 })).toThrow(
      /sizeVariationBytes must be an integer from 0 to 3/,
    );
    expect(() => resets({ nodes: [0], kind: 'bandwidth', toxicity: 2 })).toThrow(/toxicity must be a number from 0 to 1/);
    expect(() => resets({ nodes: [0], kind: 'nope' } as never)).toThrow(/kind must be/);
  });
});
