import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultEvent } from '../../sim/history/types.js';
import { latency, partition, type Nemesis, type NemesisContext } from '../../sim/nemesis/index.js';
import { settleStopped } from '../../sim/nemesis/process-state.js';
import { HarnessSteps, TOXIPROXY_RESTART } from '../../sim/run/harness-steps.js';
import { formatEndpoint } from '../../sim/testbed/endpoint.js';
import { probePing } from '../../sim/testbed/probe.js';
import { startEmbeddedTestbed, type Testbed } from '../../sim/testbed/testbed.js';
import { ToxiproxyHungError } from '../../sim/testbed/toxiproxy-call.js';

// A hung Toxiproxy API (Shopify/toxiproxy#558) is simulated by SIGSTOP of the real
// toxiproxy-server: every API call then hangs, as in the bug. Each hang costs one
// Toxiproxy call bound; this file provokes four, so it sets the bound to CALL_TIMEOUT_MS
// instead of the lab's 5 s (a loopback call answers in milliseconds, so 2 s is still
// far from a false "hung").
const CALL_TIMEOUT_MS = 2_000;
const PROBE_MS = 1_000;
const HUNG_PROBE_MS = 400;
const STEP_TIMEOUT_MS = 15_000;
const RESTART_TIMEOUT_MS = 20_000;

describe('embedded testbed: recovery from a hung toxiproxy-server', () => {
  let testbed: Testbed | undefined;
  const stopped = new Set<number>();

  beforeAll(async () => {
    testbed = await startEmbeddedTestbed({ nodes: 3, groups: 2, toxiproxyCallTimeoutMs: CALL_TIMEOUT_MS });
  });
  afterEach(() => {
    // A stopped server must never outlive a failed test: continue it (stop() kills it).
    for (const pid of stopped) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Already killed by a restart.
      }
    }
    stopped.clear();
  });
  afterAll(async () => {
    await testbed?.stop();
  });

  function bed(): Testbed {
    if (!testbed) throw new Error('testbed did not start');
    return testbed;
  }

  /** SIGSTOPs toxiproxy-server and waits until it is stopped (a signal lands asynchronously). */
  async function hang(): Promise<number> {
    const pid = bed().toxiproxyPid;
    if (pid === undefined) throw new Error('the embedded testbed must expose its toxiproxy-server pid');
    process.kill(pid, 'SIGSTOP');
    stopped.add(pid);
    await settleStopped(pid, true);
    return pid;
  }

  async function toxicNames(group: number, node: number): Promise<string[]> {
    const proxy = bed().proxy(group, node);
    const { data } = await proxy.api.get<{ name: string }[]>(`${proxy.getPath()}/toxics`);
    return data.map((toxic) => toxic.name).sort();
  }

  function context(events: FaultEvent[]): NemesisContext {
    return { testbed: bed(), workers: [], random: () => 0.5, ttlMs: 1000, record: (event) => events.push(event) };
  }

  function harness(events: FaultEvent[], active: readonly Nemesis[], maxRestarts = 2): HarnessSteps {
    return new HarnessSteps({
      testbed: bed(),
      stepTimeoutMs: STEP_TIMEOUT_MS,
      restartTimeoutMs: RESTART_TIMEOUT_MS,
      maxRestarts,
      restoreFaults: async () => {
        for (const nemesis of active) await nemesis.restore?.(context(events));
      },
      record: (event) => events.push(event),
    });
  }

  it('can restart: it runs its own toxiproxy-server', () => {
    expect(bed().canRestartToxiproxy).toBe(true);
    expect(bed().toxiproxyCallTimeoutMs).toBe(CALL_TIMEOUT_MS);
    expect(bed().toxiproxyPid).toBeGreaterThan(0);
  });

  it('a call to a hung API fails with ToxiproxyHungError within its bound, not a hang', async () => {
    await hang();
    const started = performance.now();
    await expect(bed().healAll()).rejects.toBeInstanceOf(ToxiproxyHungError);
    const elapsedMs = performance.now() - started;
    // Not before its bound (a timer never fires early by more than its 1 ms resolution),
    // and not a hang: a generous multiple of the bound.
    expect(elapsedMs).toBeGreaterThanOrEqual(CALL_TIMEOUT_MS - 1);
    expect(elapsedMs).toBeLessThan(5 * CALL_TIMEOUT_MS);
    await bed().restartToxiproxy();
  }, 30_000);

  it('a heal that hangs restarts the server on the same ports, puts the active faults back and retries', async () => {
    const events: FaultEvent[] = [];
    const ctx = context(events);
    // Node 0 stays black-holed for group 0 across the restart; the latency on node 1 is the heal that hangs.
    const cut = partition({ nodes: [0], groups: [0] });
    const slow = latency({ nodes: [1], latencyMs: 100 });
    const endpointsBefore = [0, 1].flatMap((group) => bed().clientEndpoints(group).map(formatEndpoint));
    await cut.setup(ctx);
    await slow.setup(ctx);
    await cut.inject(ctx);
    await slow.inject(ctx);
    const client = new Redis({ ...bed().clientEndpoints(1)[2]!, maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true });
    client.on('error', () => {});
    try {
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      const restartsBefore = bed().toxiproxyRestarts;
      const pidBefore = await hang();
      const steps = harness(events, [cut, slow]);
      await steps.run('nemesis latency heal', () => slow.heal(ctx));

      expect(steps.restarts).toHaveLength(1);
      expect(steps.restarts[0]?.step).toBe('nemesis latency heal');
      expect(steps.restarts[0]?.error).toMatch(/did not answer/);
      expect(steps.describe()).toMatch(/toxiproxy-server hung and was restarted 1x \(on nemesis latency heal\)/);
      expect(bed().toxiproxyRestarts).toBe(restartsBefore + 1);
      expect(bed().toxiproxyPid).not.toBe(pidBefore);
      expect(() => process.kill(pidBefore, 0)).toThrow();
      // The restart is a fault window in the history, start then stop.
      const restartEvents = events.filter((event) => event.name === TOXIPROXY_RESTART);
      expect(restartEvents.map((event) => event.type)).toEqual(['start', 'stop']);
      expect(restartEvents[1]!.timeMs).toBeGreaterThan(restartEvents[0]!.timeMs);

      // Same client endpoints, every proxy recreated on its old port.
      expect([0, 1].flatMap((group) => bed().clientEndpoints(group).map(formatEndpoint))).toEqual(endpointsBefore);
      // The active partition is back; everything else answers, the healed latency is gone.
      expect((await probePing(bed().clientEndpoints(0)[0]!, HUNG_PROBE_MS)).ok).toBe(false);
      // Only the partition was put back: no other proxy has a toxic (so no latency).
      for (const [group, node] of [[0, 1], [0, 2], [1, 0], [1, 1], [1, 2]] as const) {
        const reply = await probePing(bed().clientEndpoints(group)[node]!, PROBE_MS);
        expect(reply, `group ${group} node ${node}`).toMatchObject({ ok: true, reply: '+PONG' });
        expect(await toxicNames(group, node), `group ${group} node ${node}`).toEqual([]);
      }
      expect(await toxicNames(0, 0)).not.toEqual([]);
      // A client connected before the restart reconnects to the same port on its own.
      const deadline = performance.now() + 5_000;
      let pong = '';
      while (pong !== 'PONG' && performance.now() < deadline) pong = await client.ping().catch(() => '');
      expect(pong).toBe('PONG');

      // The partition heals normally on the new server.
      await steps.run('nemesis partition heal', () => cut.heal(ctx));
      expect(await probePing(bed().clientEndpoints(0)[0]!, PROBE_MS)).toMatchObject({ ok: true });
      expect(steps.restarts).toHaveLength(1);
    } finally {
      client.disconnect();
      await bed().healAll().catch(() => {});
    }
  }, 60_000);

  it('a hang beyond the restart budget fails the step instead of restarting forever', async () => {
    const events: FaultEvent[] = [];
    const steps = harness(events, [], 0);
    await hang();
    await expect(steps.run('healAll', () => bed().healAll())).rejects.toThrow(/hung again after 0 restart\(s\)/);
    expect(steps.restarts).toHaveLength(0);
    // Recover for the next test, as the runner would not.
    await bed().restartToxiproxy();
    await bed().healAll();
  }, 30_000);

  it('a step that is not a Toxiproxy hang is not retried', async () => {
    const steps = harness([], []);
    let calls = 0;
    await expect(
      steps.run('failing step', async () => {
        calls += 1;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
    expect(steps.restarts).toHaveLength(0);
  });
});
