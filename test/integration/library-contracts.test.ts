import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock } from '../../src/index.js';
import { IoredisNodeClient } from '../../src/clients/ioredis.js';
import type { NodeClient } from '../../src/clients/node-client.js';
import { NODE_RUNTIME, type Runtime } from '../../src/runtime.js';
import type { LostEvent, OperationContext } from '../../src/tracing.js';
import { rejection } from './helpers/outcomes.js';
import { resetAfterEach, sleep, waitReady, withServers, RELEASE_LANDS_MS } from './helpers/servers.js';

const TTL_MS = 2_000;
/** Outlives the polls for released keys: a key gone within one was deleted, not expired. */
const HELD_MS = 5 * RELEASE_LANDS_MS;

/** NODE_RUNTIME with every call counted, and a wall clock set far from Date.now(). */
function countingRuntime(wallOffsetMs: number) {
  const counts = { setTimer: 0, defer: 0, random: 0, fillRandom: 0, wallMs: 0 };
  const runtime: Partial<Runtime> = {
    setTimer: (callback, delayMs, unref) => {
      counts.setTimer += 1;
      return NODE_RUNTIME.setTimer(callback, delayMs, unref);
    },
    defer: (callback) => {
      counts.defer += 1;
      NODE_RUNTIME.defer(callback);
    },
    random: () => {
      counts.random += 1;
      return 0.5;
    },
    fillRandom: (bytes) => {
      counts.fillRandom += 1;
      NODE_RUNTIME.fillRandom(bytes);
    },
    wallMs: () => {
      counts.wallMs += 1;
      return Date.now() + wallOffsetMs;
    },
  };
  return { counts, runtime };
}

describe('library contracts on real servers', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  it('takes timers, jitter, wall clock and lock values from the injected runtime', async () => {
    const { counts, runtime } = countingRuntime(1_000_000_000);
    const redlock = new Redlock(fx.clients, { retryCount: 1, retryDelay: 10 }, { runtime });
    const values = new Set<string>();
    for (let i = 0; i < 300; i += 1) {
      const lock = await redlock.acquire([`rt-${i}`], TTL_MS);
      values.add(lock.value);
      // The expiration is on the runtime's wall clock, a billion ms ahead of Date.now().
      expect(lock.expiration).toBeGreaterThan(Date.now() + 900_000_000);
      await lock.release();
    }
    expect(values.size).toBe(300);
    for (const value of values) expect(value).toMatch(/^[0-9a-f]{32}$/);
    // 300 values of 16 bytes from a 4 KiB pool: two fills, not 300.
    expect(counts.fillRandom).toBe(2);
    // One fan-out timer per attempt: 300 acquires + 300 releases.
    expect(counts.setTimer).toBeGreaterThanOrEqual(600);
    // Commands sent in one tick are flushed on runtime.defer.
    expect(counts.defer).toBeGreaterThan(0);

    // A held resource makes the retry delay come from runtime.random.
    const held = await redlock.acquire(['rt-held'], TTL_MS);
    await rejection(redlock.acquire(['rt-held'], TTL_MS));
    expect(counts.random).toBe(1);
    await held.release();
  });

  it('uses an object implementing NodeClient as it is, and keys votes by it', async () => {
    const calls: string[] = [];
    const wrapped: NodeClient[] = fx.clients.map((client, index) => {
      const inner = new IoredisNodeClient(client, NODE_RUNTIME);
      return {
        address: `custom-${index}`,
        cluster: false,
        get ready() {
          return inner.ready;
        },
        runScript: (script, keys, args, done) => {
          calls.push(script.name);
          inner.runScript(script, keys, args, done);
        },
        subscriber: (events) => inner.subscriber(events),
      };
    });
    const redlock = new Redlock(wrapped);
    const lock = await redlock.acquire(['custom'], TTL_MS);
    const stats = await lock.attempts[0]!;
    expect([...stats.votesFor]).toEqual(expect.arrayContaining(wrapped));
    await lock.release();
    expect(calls).toHaveLength(6);
    expect([...redlock.clients]).toEqual(wrapped);
  });

  it('publishes acquire, extend and release on their TracingChannels with the operation context', async () => {
    const seen: { channel: string; event: string; context: OperationContext }[] = [];
    const handlers = (channel: string) => ({
      start: (context: OperationContext) => seen.push({ channel, event: 'start', context: { ...context } }),
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: (context: OperationContext) => seen.push({ channel, event: 'asyncEnd', context: { ...context } }),
      error: (context: OperationContext) => seen.push({ channel, event: 'error', context: { ...context } }),
    });
    const names = ['acquire', 'extend', 'release'] as const;
    const channels = names.map((name) => ({ channel: tracingChannel<unknown, OperationContext>(`redquorum:${name}`), handler: handlers(name) }));
    for (const { channel, handler } of channels) channel.subscribe(handler);
    try {
      const redlock = new Redlock(fx.clients, { fencing: true, retryCount: 0 });
      const lock = await redlock.acquire(['traced'], TTL_MS);
      const extended = await lock.extend(TTL_MS);
      await extended.release();
      await rejection(new Redlock(fx.clients, { retryCount: 0 }).extend(lock, TTL_MS));
    } finally {
      for (const { channel, handler } of channels) channel.unsubscribe(handler);
    }
    const acquireEnd = seen.find((s) => s.channel === 'acquire' && s.event === 'asyncEnd')?.context;
    expect(acquireEnd).toMatchObject({ operation: 'acquire', resources: ['traced'], durationMs: TTL_MS, attempts: 1, votesAgainst: 0, fence: expect.any(BigInt) });
    expect(acquireEnd?.votesFor).toBeGreaterThanOrEqual(2);
    expect(acquireEnd?.validityMs).toBeGreaterThan(0);
    expect(seen.find((s) => s.channel === 'extend' && s.event === 'asyncEnd')?.context).toMatchObject({ operation: 'extend', attempts: 1 });
    expect(seen.find((s) => s.channel === 'release' && s.event === 'asyncEnd')?.context).toMatchObject({ operation: 'release', resources: ['traced'] });
    const failed = seen.find((s) => s.channel === 'extend' && s.event === 'error')?.context;
    expect(failed?.error).toBeInstanceOf(ExecutionError);
  });

  it('releases on `await using`, disposes a released lock quietly, and rejects when the release fails', async () => {
    const redlock = new Redlock(fx.clients, { retryCount: 0 });
    {
      await using lock = await redlock.acquire(['disposed'], HELD_MS);
      // The acquire resolves at its quorum; its statistics wait for every node's answer.
      await Promise.all(lock.attempts);
      expect(await fx.admin(0).get('disposed')).toBe(lock.value);
    }
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await expect.poll(() => Promise.all([0, 1, 2].map((i) => fx.admin(i).get('disposed'))), { timeout: RELEASE_LANDS_MS, interval: 5 }).toEqual([null, null, null]);

    const released = await redlock.acquire(['disposed'], HELD_MS);
    await released.release();
    await expect(released[Symbol.asyncDispose]()).resolves.toBeUndefined();

    // Disposing the Lock that extend() replaced releases the lock, once.
    const first = await redlock.acquire(['disposed'], HELD_MS);
    const second = await first.extend(HELD_MS);
    await first[Symbol.asyncDispose]();
    await expect.poll(() => fx.admin(1).get('disposed'), { timeout: RELEASE_LANDS_MS, interval: 5 }).toBeNull();
    await second[Symbol.asyncDispose]();

    // A release that reaches no quorum rejects: the error is not swallowed.
    const clients = fx.connect();
    // Fresh clients are not connected yet: a node whose client is not ready votes against at once.
    await waitReady(clients);
    const lonely = new Redlock(clients, { retryCount: 0 });
    const lost = await lonely.acquire(['disposed-down'], TTL_MS);
    for (const client of clients.slice(0, 2)) client.disconnect();
    expect(await rejection(lost[Symbol.asyncDispose]())).toBeInstanceOf(ExecutionError);
  });

  it('publishes redquorum:lost when using() loses its lock', async () => {
    const lost: LostEvent[] = [];
    const onLost = (event: unknown): void => {
      lost.push(event as LostEvent);
    };
    subscribe('redquorum:lost', onLost);
    try {
      const redlock = new Redlock(fx.clients, { retryCount: 0, automaticExtensionThreshold: 400 });
      await redlock.using(['lost'], 600, async (signal) => {
        await Promise.all([0, 1, 2].map((i) => fx.admin(i).del('lost')));
        while (!signal.aborted) await sleep(10);
      });
    } finally {
      unsubscribe('redquorum:lost', onLost);
    }
    expect(lost).toHaveLength(1);
    expect(lost[0]?.resources).toEqual(['lost']);
    expect(lost[0]?.error).toBeInstanceOf(ExecutionError);
  });
});
