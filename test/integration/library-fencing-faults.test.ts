import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, fenceKey, type AttemptEvent } from '../../src/index.js';
import { FENCE_TICK_BITS } from '../../src/fencing.js';
import { rejection } from './helpers/outcomes.js';
import { resetAfterEach, sleep, waitReady, withServers, lockKeysSettle } from './helpers/servers.js';

const TTL_MS = 5_000;
// SHA1 of the FENCE script (pinned in test/unit/library/scripts.test.ts).
const FENCE_SHA = '597763b45476041d167a1fcec3d399a3a5819650';

// Issue: tokens went back to 1 once every node had restarted empty, one at a time, each
// after more than the TTL (a rolling upgrade), with no acquisition in between (a resource
// locked once a day). The clock part of the token keeps them increasing.
describe('fencing across a rolling restart of every node', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  it('never regresses after every node restarted empty, each down longer than the TTL', async () => {
    const ttlMs = 200;
    // A 200 ms lock gets a 50 ms node timeout: on a loaded machine an attempt can time out,
    // or leave no validity. Retries change nothing of what is checked (each token only has
    // to exceed the last), so the acquisitions and releases retry.
    const redlock = new Redlock(fx.clients, { fencing: true, retryCount: 3, retryDelay: 20, retryJitter: 10 });
    let last = 0n;
    for (let round = 0; round < 3; round += 1) {
      const lock = await redlock.acquire(['daily-job'], ttlMs);
      expect(lock.fence).toBeGreaterThan(last);
      last = lock.fence!;
      await lock.release();
    }
    for (let index = 0; index < 3; index += 1) {
      await fx.crash([index]);
      await sleep(ttlMs + 50);
      await fx.restartCrashed();
    }
    expect(await fx.keysOnAllNodes()).toEqual([]);
    const after = await redlock.acquire(['daily-job'], ttlMs);
    expect(after.fence, `token after the rolling restart ${after.fence} vs before ${last}`).toBeGreaterThan(last);
    await after.release();
  });
});

/**
 * Replaces the fencing write-back on one ioredis client (EVAL or EVALSHA of the FENCE
 * script; in earlier versions, the `redquorumFence` command) with `instead`, which may send it.
 */
function hookFence(client: Redis, instead: (send: () => Promise<unknown>) => Promise<unknown>): void {
  const methods = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const isFence: Record<string, (args: unknown[]) => boolean> = {
    evalsha: (args) => args[0] === FENCE_SHA,
    eval: (args) => typeof args[0] === 'string' && createHash('sha1').update(args[0]).digest('hex') === FENCE_SHA,
    redquorumFence: () => true,
  };
  for (const [name, matches] of Object.entries(isFence)) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = (...args: unknown[]) => (matches(args) ? instead(() => original.apply(client, args)) : original.apply(client, args));
  }
}

describe('faults during the fencing write-back', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  // The acquire's own proposal is the token, with no write-back, unless a counter read is
  // at or above it: counters an hour ahead of this process's clock force the write-back.
  const counterAhead = async (resource: string): Promise<void> => {
    const ahead = (BigInt(Date.now() + 3_600_000) << FENCE_TICK_BITS).toString();
    for (let index = 0; index < fx.count; index += 1) await fx.admin(index).set(fenceKey(resource), ahead);
  };

  // Issue: a failed write-back gave no vote, no error event and no diagnostics
  // (operation 'fence' was never produced).
  it('reports a failed write-back: error events, a fence attempt on the diagnostics channel, and the refusals in the error', async () => {
    const clients = fx.connect();
    await waitReady(clients);
    const redlock = new Redlock(clients, { fencing: true, retryCount: 0 });
    // Nodes 1 and 2 fail between the two round trips: their write-back gets an error reply.
    const failure = new Error('LOADING Redis is loading the dataset in memory');
    for (const client of clients.slice(1)) hookFence(client, () => Promise.reject(failure));
    const events: AttemptEvent[] = [];
    const onAttempt = (event: unknown): void => {
      events.push(event as AttemptEvent);
    };
    subscribe('redquorum:attempt', onAttempt);
    try {
      const errors: Error[] = [];
      redlock.on('error', (error: Error) => errors.push(error));
      await counterAhead('fenced-res');
      const error = (await rejection(redlock.acquire(['fenced-res'], TTL_MS))) as ExecutionError;
      expect(error).toBeInstanceOf(ExecutionError);
      expect(errors.filter((e) => e === failure)).toHaveLength(2);
      const fence = events.find((event) => event.operation === 'fence');
      expect(fence?.decision).toBe('against');
      expect(error.reason).toBe('unavailable');
      expect(error.lastAttempt.filter((outcome) => outcome.error === failure)).toHaveLength(2);
      // The attempt's keys were taken back.
      await lockKeysSettle(fx, []);
    } finally {
      unsubscribe('redquorum:attempt', onAttempt);
    }
  });

  // Issue: an abort during the fencing round trip was ignored: acquire resolved with a
  // lock after the caller gave up, held until its TTL.
  it('rejects with the abort reason when aborted during the write-back, and takes the keys back', async () => {
    const clients = fx.connect();
    await waitReady(clients);
    const redlock = new Redlock(clients, { fencing: true, retryCount: 0 });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    // A driver that holds the write-back 300 ms, and the caller who aborts as it starts.
    for (const client of clients) {
      hookFence(client, (send) => {
        controller.abort(reason);
        return sleep(300).then(send);
      });
    }
    await counterAhead('aborted-fence');
    const outcome = await rejection(redlock.acquire(['aborted-fence'], TTL_MS, { signal: controller.signal }));
    expect(outcome).toBe(reason);
    await sleep(400);
    // A take-back to a node whose acquire reply came after the attempt's decision is sent
    // but not awaited: it lands a moment later.
    await lockKeysSettle(fx, []);
  });
});
