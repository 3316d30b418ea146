import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultEvent } from '../../sim/history/types.js';
import { clientPause, crash, nodePause, type Nemesis, type NemesisContext } from '../../sim/nemesis/index.js';
import { killAndWait, track } from '../../sim/testbed/child-processes.js';
import { probe, probePing } from '../../sim/testbed/probe.js';
import { startEmbeddedTestbed, type Testbed } from '../../sim/testbed/testbed.js';

// Crashes and pauses of real redis-server processes, and pauses of real child processes.
// Timing is asserted as ordering (a fault lasts at least its setting) and with generous
// bounds for "it happens at all", never as how fast this machine is.
/** How long a running ticker child may take to write a tick (it ticks every 10 ms). */
const TICK_WAIT_MS = 5_000;
let testbed: Testbed | undefined;
const events: FaultEvent[] = [];
let active: Nemesis | undefined;
let workers: { pid: number; group: number }[] = [];

function bed(): Testbed {
  if (!testbed) throw new Error('testbed did not start');
  return testbed;
}

function context(ttlMs = 1000): NemesisContext {
  return { testbed: bed(), workers, random: () => 0.99, ttlMs, record: (event) => events.push(event) };
}

async function run(nemesis: Nemesis, ctx = context()): Promise<NemesisContext> {
  active = nemesis;
  await nemesis.setup(ctx);
  await nemesis.inject(ctx);
  return ctx;
}

function direct(node: number) {
  return bed().directEndpoints()[node]!;
}

beforeAll(async () => {
  testbed = await startEmbeddedTestbed({ nodes: 3, groups: 1 });
});
afterEach(async () => {
  if (active) await active.teardown(context());
  active = undefined;
  events.length = 0;
});
afterAll(async () => {
  await testbed?.stop();
});

describe('crash', () => {
  it('immediate restart without persistence comes back empty', async () => {
    await probe(direct(0), ['SET', 'held', 'yes'], 1_000);
    await probe(direct(0), ['SET', 'lock-a', 'value-a', 'PX', '30000'], 1_000);
    const pidBefore = bed().redis!.node(0).pid;
    const nemesis = crash({ node: 0, restart: 'immediate', persistence: 'none' });
    await run(nemesis);
    expect(bed().redis!.node(0).running).toBe(true);
    expect(bed().redis!.node(0).pid).not.toBe(pidBefore);
    expect(await probe(direct(0), ['GET', 'held'], 1_000)).toMatchObject({ ok: true, reply: '$-1' });
    expect(events.map((event) => [event.name, event.type])).toEqual([
      ['crash-immediate', 'start'],
      ['crash-immediate', 'stop'],
    ]);
    // The lock key (a TTL) was held at the kill and is gone; the key without a TTL is no lock key.
    expect(events.at(-1)?.measured).toEqual({ keysAtCrash: 1, keysBack: 0 });
  });

  it('immediate restart with aof-always keeps the data, and teardown switches AOF off again', async () => {
    const nemesis = crash({ node: 1, restart: 'immediate', persistence: 'aof-always' });
    active = nemesis;
    await nemesis.setup(context());
    expect(bed().redis!.node(1).persistence).toBe('aof-always');
    await probe(direct(1), ['SET', 'held', 'durable'], 1_000);
    await probe(direct(1), ['SET', 'lock-a', 'value-a', 'PX', '30000'], 1_000);
    await probe(direct(1), ['SET', 'lock-b', 'value-b', 'PX', '30000'], 1_000);
    await nemesis.inject(context());
    expect(await probe(direct(1), ['GET', 'held'], 1_000)).toMatchObject({ ok: true, reply: 'durable' });
    expect(events.at(-1)?.measured).toEqual({ keysAtCrash: 2, keysBack: 2 });
    await nemesis.teardown(context());
    active = undefined;
    expect(bed().redis!.node(1).persistence).toBe('none');
    expect(await probe(direct(1), ['CONFIG', 'GET', 'appendonly'], 1_000)).toMatchObject({ ok: true });
    expect(await probe(direct(1), ['GET', 'held'], 1_000)).toMatchObject({ ok: true, reply: 'durable' });
  });

  it('delayed restart keeps the node down for more than the TTL, even if healed early', async () => {
    const nemesis = crash({ node: 2, restart: 'delayed', delayMs: 400, persistence: 'none' });
    await probe(direct(2), ['SET', 'held', 'yes'], 1_000);
    const beforeCrashMs = performance.now();
    const ctx = await run(nemesis, context(300));
    expect(bed().redis!.node(2).running).toBe(false);
    expect((await probePing(direct(2), 300)).ok).toBe(false);
    await nemesis.heal(ctx);
    // The crash came after beforeCrashMs, and heal waits delayMs from the crash.
    expect(performance.now() - beforeCrashMs).toBeGreaterThanOrEqual(400);
    expect(Number(/back after (\d+) ms/.exec(events.at(-1)?.detail ?? '')?.[1])).toBeGreaterThanOrEqual(400);
    expect(await probePing(direct(2), 1_000)).toMatchObject({ ok: true });
    expect(await probe(direct(2), ['GET', 'held'], 1_000)).toMatchObject({ ok: true, reply: '$-1' });
    expect(events.at(-1)?.detail).toMatch(/node 2 back after \d+ ms/);
  });

  it('refuses a delay that does not outlast the TTL, and testbeds without processes', async () => {
    const tooShort = crash({ node: 0, restart: 'delayed', delayMs: 500, persistence: 'none' });
    await expect(tooShort.setup(context(1000))).rejects.toThrow(/delayMs must be more than the lock TTL \(1000 ms\)/);
    const external = { nodeCount: 3, groupCount: 1 } as unknown as Testbed;
    await expect(crash({ node: 0, restart: 'immediate', persistence: 'none' }).setup({ ...context(), testbed: external })).rejects.toThrow(
      /needs the embedded testbed/,
    );
    expect(() => crash({ node: 0, restart: 'later' as never, persistence: 'none' })).toThrow(/restart must be/);
  });
});

describe('nodePause', () => {
  it('stops answering while paused and answers after heal', async () => {
    const nemesis = nodePause({ node: 0, pauseMs: 10_000 });
    const ctx = await run(nemesis);
    expect((await probePing(direct(0), 300)).ok).toBe(false);
    expect((await probePing(bed().clientEndpoints(0)[0]!, 300)).ok).toBe(false);
    await nemesis.heal(ctx);
    expect(await probePing(direct(0), 1_000)).toMatchObject({ ok: true, reply: '+PONG' });
    expect(events.map((event) => event.type)).toEqual(['start', 'stop']);
  });

  it('continues by itself after pauseMs', async () => {
    const pauseMs = 200;
    const startedMs = performance.now();
    await run(nodePause({ node: 1, pauseMs }));
    // A PING sent during the pause waits in the kernel's queue and is answered when the
    // process continues: so its answer comes no sooner than pauseMs after the inject
    // began, however slow this machine is, and it comes at all (bounded by the probe).
    const probeStartMs = performance.now();
    const reply = await probePing(direct(1), 25 * pauseMs);
    expect(reply).toMatchObject({ ok: true, reply: '+PONG' });
    // Less 1 ms: the resume timer is due by the event loop's clock, which can lag
    // performance.now() by up to 1 ms.
    expect(probeStartMs + reply.elapsedMs - startedMs).toBeGreaterThanOrEqual(pauseMs - 1);
    await expect.poll(() => events.map((event) => event.type), { timeout: 25 * pauseMs }).toEqual(['start', 'stop']);
  });
});

describe('clientPause', () => {
  const children: ChildProcess[] = [];

  function ticker(): ChildProcess {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => process.stdout.write("."), 10)'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    track(child);
    children.push(child);
    return child;
  }

  /** Resolves once the child has started ticking (node takes a while to boot). */
  function started(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => child.stdout!.once('data', () => resolve()));
  }

  function state(pid: number): string {
    // /proc/<pid>/stat: "pid (comm) S ...": T means stopped.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
  }

  /** Whether the child writes a tick within `ms` (bounded; a running child ticks every 10 ms). */
  function ticksWithin(child: ChildProcess, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.stdout!.off('data', onData);
        resolve(false);
      }, ms);
      const onData = (): void => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(true);
      };
      child.stdout!.on('data', onData);
    });
  }

  async function ticksDuring(child: ChildProcess, ms: number): Promise<number> {
    let ticks = 0;
    const count = (chunk: Buffer) => (ticks += chunk.length);
    child.stdout!.on('data', count);
    await new Promise((resolve) => setTimeout(resolve, ms));
    child.stdout!.off('data', count);
    return ticks;
  }

  afterAll(async () => {
    await Promise.all(children.map((child) => killAndWait(child)));
  });

  it('stops a real worker process and continues it at heal', async () => {
    const a = ticker();
    const b = ticker();
    await Promise.all([started(a), started(b)]);
    workers = [
      { pid: a.pid!, group: 0 },
      { pid: b.pid!, group: 1 },
    ];
    expect(await ticksWithin(b, TICK_WAIT_MS)).toBe(true);
    const nemesis = clientPause({ pauseMs: 10_000 }); // 'one': random 0.99 picks the last worker
    const ctx = await run(nemesis);
    expect(state(b.pid!)).toBe('T');
    expect(state(a.pid!)).not.toBe('T');
    await new Promise((resolve) => setTimeout(resolve, 50)); // output already in the pipe
    expect(await ticksDuring(b, 200)).toBe(0);
    await nemesis.heal(ctx);
    expect(state(b.pid!)).not.toBe('T');
    expect(await ticksWithin(b, TICK_WAIT_MS)).toBe(true);
    expect(events.map((event) => event.type)).toEqual(['start', 'stop']);
    expect(events[0]!.detail).toContain(`pid ${b.pid}`);
  });

  it('continues by itself after pauseMs, and teardown continues every worker', async () => {
    const pauseMs = 150;
    const nemesis = clientPause({ pauseMs, workers: [0] });
    const startedMs = performance.now();
    await run(nemesis);
    expect(state(workers[0]!.pid)).toBe('T');
    // It continues by itself (bounded wait), and not before pauseMs since the inject began.
    const deadline = performance.now() + 25 * pauseMs;
    while (state(workers[0]!.pid) === 'T' && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(state(workers[0]!.pid)).not.toBe('T');
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(pauseMs);
    process.kill(workers[1]!.pid, 'SIGSTOP'); // stopped by someone else
    await nemesis.teardown(context());
    active = undefined;
    expect(state(workers[1]!.pid)).not.toBe('T');
  });

  it('validates worker indexes', async () => {
    expect(() => clientPause({ pauseMs: 0 })).toThrow(/pauseMs must be an integer from 1/);
    await expect(clientPause({ pauseMs: 100, workers: [5] }).inject(context())).rejects.toThrow(
      /workers\[0\] must be an integer from 0 to 1/,
    );
  });
});
