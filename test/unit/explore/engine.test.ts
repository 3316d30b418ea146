import { describe, expect, it } from 'vitest';
import { ACQUIRE, FENCE, RELEASE } from '../../../src/scripts.js';
import { Random } from '../../../sim/random.js';
import { ClockModel, EPOCH_MS } from '../../../sim/explore/clock-model.js';
import { EventQueue } from '../../../sim/explore/event-queue.js';
import { Keyspace } from '../../../sim/explore/keyspace.js';
import { LuaVm } from '../../../sim/explore/lua-vm.js';
import { Connection, Link } from '../../../sim/explore/network.js';
import { Actor, Scheduler } from '../../../sim/explore/scheduler.js';
import { SimNode, sha1 } from '../../../sim/explore/sim-node.js';

describe('explore engine: scheduler', () => {
  it('orders events by (time, seq): same-time events run in scheduling order', async () => {
    const scheduler = new Scheduler();
    const seen: string[] = [];
    scheduler.at(5, () => seen.push('b5'));
    scheduler.at(1, () => seen.push('a1'));
    scheduler.at(5, () => seen.push('c5'));
    scheduler.at(3, () => seen.push('d3'));
    expect(await scheduler.run(Number.POSITIVE_INFINITY, 100)).toBe('idle');
    expect(seen).toEqual(['a1', 'd3', 'b5', 'c5']);
    expect(scheduler.nowMs).toBe(5);
  });

  it('an event\'s promise continuations all run, chains of them included, before the next event', async () => {
    const scheduler = new Scheduler();
    const seen: string[] = [];
    const chain = async (name: string, depth: number): Promise<void> => {
      for (let step = 0; step < depth; step += 1) await Promise.resolve();
      seen.push(`${name} settled at ${scheduler.nowMs}`);
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      seen.push(`${name} after a queued microtask`);
    };
    // More events than one turn of the loop serves (WAKES_PER_TURN), so both ways of resuming are crossed.
    for (let index = 0; index < 600; index += 1) {
      scheduler.at(index, () => {
        seen.push(`event ${index}`);
        void chain(`chain ${index}`, index % 40);
      });
    }
    expect(await scheduler.run(Number.POSITIVE_INFINITY, 10_000)).toBe('idle');
    const expected = Array.from({ length: 600 }, (_, index) => [`event ${index}`, `chain ${index} settled at ${index}`, `chain ${index} after a queued microtask`]).flat();
    expect(seen).toEqual(expected);
  });

  it('the heap stays ordered under many random pushes and pops', () => {
    const queue = new EventQueue<{ timeMs: number; seq: number }>();
    const random = new Random(3);
    for (let seq = 0; seq < 2000; seq += 1) queue.push({ timeMs: random.int(0, 50), seq });
    let last = { timeMs: -1, seq: -1 };
    for (let event = queue.pop(); event !== undefined; event = queue.pop()) {
      expect(event.timeMs > last.timeMs || (event.timeMs === last.timeMs && event.seq > last.seq)).toBe(true);
      last = event;
    }
  });

  it('a paused actor keeps its events until it resumes, in order; others go on', async () => {
    const scheduler = new Scheduler();
    const client = new Actor('client');
    const seen: string[] = [];
    scheduler.at(1, () => scheduler.pause(client, 10));
    scheduler.at(2, () => seen.push(`client-a@${scheduler.nowMs}`), client);
    scheduler.at(3, () => seen.push(`world@${scheduler.nowMs}`));
    scheduler.at(4, () => seen.push(`client-b@${scheduler.nowMs}`), client);
    await scheduler.run(Number.POSITIVE_INFINITY, 100);
    expect(seen).toEqual(['world@3', 'client-a@11', 'client-b@11']);
  });

  it('lets promise continuations of an event run at that event\'s time, before the next event', async () => {
    const scheduler = new Scheduler();
    const seen: string[] = [];
    scheduler.at(1, () => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => seen.push(`continuation@${scheduler.nowMs}`));
    });
    scheduler.at(2, () => seen.push(`next@${scheduler.nowMs}`));
    await scheduler.run(Number.POSITIVE_INFINITY, 100);
    expect(seen).toEqual(['continuation@1', 'next@2']);
  });

  it('stops at its event bound', async () => {
    const scheduler = new Scheduler();
    const tick = (): void => void scheduler.after(1, tick, undefined, false);
    tick();
    expect(await scheduler.run(Number.POSITIVE_INFINITY, 50)).toBe('event-limit');
    expect(scheduler.eventCount).toBe(50);
  });
});

describe('explore engine: clocks', () => {
  it('monotonic time drifts linearly and never steps; wall time steps and errs periodically', () => {
    let t = 0;
    const clock = new ClockModel({ rate: 1.5, periodicMs: 2, periodMs: 400 }, () => t);
    t = 100;
    expect(clock.monotonicMs()).toBe(150);
    expect(clock.wallMs()).toBeCloseTo(EPOCH_MS + 150 + 2, 6); // sin(pi/2) = 1
    clock.step(-1000);
    expect(clock.monotonicMs()).toBe(150);
    expect(clock.wallMs()).toBeCloseTo(EPOCH_MS + 150 + 2 - 1000, 6);
    expect(clock.trueMsAt(300)).toBe(200);
    expect(clock.trueDelayMs(30)).toBe(20);
  });

  it('rejects a rate outside 0.1 to 10', () => {
    expect(() => new ClockModel({ rate: 0, periodicMs: 0, periodMs: 1 }, () => 0)).toThrow(/clock rate must be from 0.1 to 10, got 0/);
  });
});

describe('explore engine: keyspace', () => {
  it('expires by its own wall clock, as Redis does (gone once now > expiry)', () => {
    let wallMs = 1000.7;
    const keys = new Keyspace(() => wallMs);
    expect(keys.execute(['SET', 'k', 'v', 'PX', '10'])).toEqual({ status: 'OK' });
    expect(keys.execute(['PTTL', 'k'])).toBe(10);
    wallMs = 1010.9; // floor 1010 = expiry: still there
    expect(keys.execute(['GET', 'k'])).toBe('v');
    wallMs = 1011;
    expect(keys.execute(['GET', 'k'])).toBeNull();
    expect(keys.execute(['PTTL', 'k'])).toBe(-2);
  });

  it('SET NX refuses a live key, PEXPIRE 0 deletes, bad expiries are errors', () => {
    const keys = new Keyspace(() => 0);
    expect(keys.execute(['SET', 'k', 'a', 'NX', 'PX', '100'])).toEqual({ status: 'OK' });
    expect(keys.execute(['SET', 'k', 'b', 'NX', 'PX', '100'])).toBeNull();
    expect(keys.execute(['SET', 'k', 'b', 'PX', '0'])).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(keys.execute(['SET', 'k', 'b', 'PX', '1.5'])).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(keys.execute(['PEXPIRE', 'k', '0'])).toBe(1);
    expect(keys.execute(['EXISTS', 'k'])).toBe(0);
    expect(keys.execute(['HSET', 'k', 'f', 'v'])).toEqual({ error: "ERR unknown command 'HSET'" });
  });
});

describe('explore engine: the Lua bridge', () => {
  const vm = new LuaVm();
  const keys = new Keyspace(() => 0);
  const run = (lua: string, k: string[] = [], a: string[] = []): unknown => vm.run(lua, k, a, (args) => keys.execute(args));

  it('converts replies as Redis does: numbers truncate, false is nil, tables stop at the first nil', () => {
    expect(run('return 3.9')).toBe(3);
    expect(run('return -2.5')).toBe(-2);
    expect(run('return false')).toBeNull();
    expect(run('return true')).toBe(1);
    expect(run("return {1, 'two', {3}, nil, 5}")).toEqual([1, 'two', [3]]);
    expect(run("return {err = 'BOOM bad'}")).toEqual({ error: 'BOOM bad' });
    expect(run("return redis.call('SET', KEYS[1], ARGV[1])", ['a'], ['x'])).toEqual({ status: 'OK' });
  });

  it('a nil bulk is false in Lua; numbers passed to redis.call are formatted as Redis 7 does', () => {
    expect(run("return redis.call('GET', 'missing') == false and 1 or 0")).toBe(1);
    run("redis.call('SET', 'n', 3.0)");
    expect(keys.execute(['GET', 'n'])).toBe('3');
    expect(run('return unpack({7, 8})')).toBe(7);
  });

  it('redis.call raises a command error; redis.pcall returns it', () => {
    expect(run("return redis.call('SET', 'k', 'v', 'PX', '0')")).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(run("local r = redis.pcall('SET', 'k', 'v', 'PX', '0'); return r.err")).toBe("ERR invalid expire time in 'set' command");
  });

  it("runs the library's acquire, fence and release scripts", () => {
    const node = new SimNode(0, new ClockModel({ rate: 1, periodicMs: 0, periodMs: 1 }, () => 0), vm);
    expect(node.execute(['EVALSHA', sha1(ACQUIRE.lua), '2', 'r', 'r:fence', 'v1', '1000', '1'])).toEqual({ error: 'NOSCRIPT No matching script. Please use EVAL.' });
    expect(node.execute(['EVAL', ACQUIRE.lua, '2', 'r', 'r:fence', 'v1', '1000', '1'])).toEqual([1, '0']);
    expect(node.execute(['EVALSHA', sha1(FENCE.lua), '1', 'r:fence', '7'])).toEqual({ error: 'NOSCRIPT No matching script. Please use EVAL.' });
    expect(node.execute(['EVAL', FENCE.lua, '1', 'r:fence', '7'])).toBe(1);
    expect(node.execute(['EVALSHA', sha1(ACQUIRE.lua), '2', 'r', 'r:fence', 'v2', '1000', '1'])).toEqual([0, 1]);
    expect(node.execute(['EVALSHA', sha1(ACQUIRE.lua), '2', 'r', 'r:fence', 'v1', '1000', '1'])).toEqual([1, '7']);
    expect(node.execute(['EVAL', RELEASE.lua, '1', 'r', 'v2', '0'])).toBe(0);
    expect(node.execute(['EVAL', RELEASE.lua, '1', 'r', 'v1', '0'])).toBe(1);
    node.crash();
    node.restart();
    expect(node.execute(['EVALSHA', sha1(RELEASE.lua), '1', 'r', 'v1', '0'])).toEqual({ error: 'NOSCRIPT No matching script. Please use EVAL.' });
    expect(node.execute(['GET', 'r:fence'])).toBeNull();
  });

  it('a node with AOF always keeps its keys over a crash', () => {
    const node = new SimNode(1, new ClockModel({ rate: 1, periodicMs: 0, periodMs: 1 }, () => 0), vm, 'aof-always');
    node.execute(['SET', 'k', 'v', 'PX', '1000']);
    node.crash();
    node.restart();
    expect(node.execute(['GET', 'k'])).toBe('v');
  });
});

describe('explore engine: network', () => {
  it('keeps FIFO order within one connection, whatever each message drew as latency', async () => {
    const scheduler = new Scheduler();
    const link = new Link(0, 0, { minMs: 0, tailMeanMs: 5, spikeChance: 0.3, spikeMs: 50 }, 0, new Random(9));
    const connection = new Connection(link, scheduler);
    const other = new Connection(link, scheduler);
    const actor = new Actor('node');
    const arrived: number[] = [];
    const otherArrived: { index: number; timeMs: number }[] = [];
    for (let i = 0; i < 200; i += 1) {
      scheduler.at(i * 0.5, () => {
        connection.send('request', () => arrived.push(i), actor, false);
        other.send('request', () => otherArrived.push({ index: i, timeMs: scheduler.nowMs }), actor, false);
      });
    }
    await scheduler.run(Number.POSITIVE_INFINITY, 10_000);
    expect(arrived).toEqual([...arrived].sort((a, b) => a - b));
    expect(arrived).toHaveLength(200);
    expect(otherArrived).toHaveLength(200);
  });

  it('a cut direction drops messages; a reset drops what is in flight', async () => {
    const scheduler = new Scheduler();
    const link = new Link(0, 0, { minMs: 1, tailMeanMs: 0, spikeChance: 0, spikeMs: 0 }, 0, new Random(1));
    const connection = new Connection(link, scheduler);
    const actor = new Actor('node');
    const arrived: string[] = [];
    link.requestCuts = 1;
    expect(connection.send('request', () => arrived.push('cut'), actor, false)).toBe(false);
    expect(connection.send('reply', () => arrived.push('reply'), actor, false)).toBe(true);
    link.requestCuts = 0;
    connection.send('request', () => arrived.push('reset'), actor, false);
    connection.reset();
    await scheduler.run(Number.POSITIVE_INFINITY, 100);
    expect(arrived).toEqual([]);
  });
});
