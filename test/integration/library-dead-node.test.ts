import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock } from '../../src/index.js';
import { rejection } from './helpers/outcomes.js';
import { lockClientOptions, resetAfterEach, sleep, waitReady, withServers } from './helpers/servers.js';

const NODE_TIMEOUT_MS = 2_000;

describe('a dead node', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  // Issue: the clean-up after a failed attempt waited for every node, so a paused node
  // added a full node timeout to every attempt (4 attempts: 156 ms became 4,156 ms).
  it('adds no node timeout to failed attempts against a held lock', async () => {
    const holder = new Redlock(fx.clients, { retryCount: 0 });
    const held = await holder.acquire(['held'], 30_000);
    const contender = new Redlock(fx.connect(), { retryCount: 3, retryDelay: 10, retryJitter: 0, nodeTimeoutMs: NODE_TIMEOUT_MS });
    fx.servers.node(2).pause();
    const startMs = performance.now();
    const failure = (await rejection(contender.acquire(['held'], 30_000))) as ExecutionError;
    const elapsedMs = performance.now() - startMs;
    fx.servers.node(2).resume();
    console.log(`4 failed attempts with one node paused: ${elapsedMs.toFixed(0)} ms (node timeout ${NODE_TIMEOUT_MS} ms)`);
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.attemptCount).toBe(4);
    expect(failure.reason).toBe('locked');
    // The two live nodes decide each attempt and answer its clean-up at once.
    expect(elapsedMs).toBeLessThan(NODE_TIMEOUT_MS);
    await held.release();
  });

  // Issue: using() returned long after its routine when nodes were down: the release
  // retried in full though the lock had already expired (3 s for a 1 s lock).
  it('lets using() return soon after its routine once the lock has expired on nodes that are down', async () => {
    const retryDelayMs = 300;
    const ttlMs = 1_000;
    const redlock = new Redlock(fx.clients, { retryDelay: retryDelayMs, retryJitter: 0, automaticExtensionThreshold: 200 });
    redlock.on('error', () => undefined);
    let routineEndMs = 0;
    await redlock.using(['expiring'], ttlMs, async () => {
      await fx.crash([0, 1]);
      // Outlive every key of the lock (TTL plus drift plus node timeout).
      await sleep(ttlMs + 300);
      routineEndMs = performance.now();
    });
    const afterRoutineMs = performance.now() - routineEndMs;
    console.log(`using() returned ${afterRoutineMs.toFixed(0)} ms after its routine (retryDelay ${retryDelayMs} ms, 10 retries)`);
    // No retry of a release whose keys are all gone: less than one retry delay.
    expect(afterRoutineMs).toBeLessThan(retryDelayMs);
  });

  // Issue: a node whose client was reconnecting got no clean-up release, though ioredis
  // resends the acquire after reconnecting: the key stayed for the whole TTL.
  it('takes a failed attempt back on a node whose client was reconnecting when the attempt failed', async () => {
    const ttlMs = 30_000;
    const holderClients = fx.connect();
    await waitReady(holderClients);
    const holder = new Redlock(holderClients.slice(0, 2), { retryCount: 0 });
    const held = await holder.acquire(['reconnect'], ttlMs);
    // Node 2's client reconnects slowly, so it is still reconnecting when the attempt fails.
    const slow = new Redis({ ...lockClientOptions(fx.servers.node(2).port), retryStrategy: () => 600, maxRetriesPerRequest: 5 });
    slow.on('error', () => undefined);
    const clients = [...fx.connect().slice(0, 2), slow];
    await waitReady(clients);
    const contender = new Redlock(clients, { retryCount: 0, nodeTimeoutMs: 5_000 });
    contender.on('error', () => undefined);
    // Every node holds writes for 300 ms: the acquire is in flight on all three.
    for (let index = 0; index < 3; index += 1) await fx.admin(index).call('CLIENT', 'PAUSE', '300', 'WRITE');
    const attempt = rejection(contender.acquire(['reconnect'], ttlMs));
    await sleep(50);
    // Drop node 2's connection with the acquire in it; ioredis resends it once back.
    await fx.admin(2).call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    expect(await attempt).toBeInstanceOf(ExecutionError);
    // By now the resent acquire may have run on node 2; its take-back must follow it.
    await sleep(1_500);
    expect(await fx.admin(2).get('reconnect')).toBeNull();
    await held.release();
    slow.disconnect();
  });
});
