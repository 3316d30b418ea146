import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock } from '../../src/index.js';
import { rejection } from './helpers/outcomes.js';
import { resetAfterEach, sleep, waitReady, withServers } from './helpers/servers.js';

const TTL_MS = 10_000;

/** Connections the node has open now (INFO clients). */
async function connectedClients(fx: ReturnType<typeof withServers>, index: number): Promise<number> {
  const info = await fx.admin(index).info('clients');
  return Number(/^connected_clients:(\d+)/m.exec(info)?.[1]);
}

describe('release notifications: lifetime and shutdown', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  // Issue: quit() with waiting acquirers (notifications on, retryCount -1) spun at 100%
  // CPU: a closed notifier answered 'timeout' at once and the loop never yielded.
  it('settles waiting acquirers with a clear error when quit() is called', async () => {
    const holder = new Redlock(fx.clients, { retryCount: 0 });
    const held = await holder.acquire(['shutdown'], TTL_MS);
    const clients = fx.connect();
    await waitReady(clients);
    const redlock = new Redlock(clients, { releaseNotifications: true, retryCount: -1, retryDelay: 100, retryJitter: 0 });
    const waiters = [0, 1, 2].map(() => rejection(redlock.acquire(['shutdown'], TTL_MS)));
    await sleep(150);
    const quitMs = performance.now();
    await redlock.quit();
    // Timers still fire: the event loop is not starved.
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    const errors = (await Promise.all(waiters)) as Error[];
    const settledMs = performance.now() - quitMs;
    await sleep(50);
    clearInterval(ticker);
    console.log(`3 waiters settled ${settledMs.toFixed(0)} ms after quit()`);
    for (const error of errors) {
      expect(error.name).toBe('RedlockClosedError');
      expect(error.message).toMatch(/quit\(\)/);
    }
    expect(ticks).toBeGreaterThan(0);
    expect(settledMs).toBeLessThan(1_000);
    await expect(redlock.acquire(['after-quit'], TTL_MS)).rejects.toThrow(/quit\(\)/);
    await held.release();
  });

  // Issue: with notifications on, retryCount 0 waited in line behind the process's other
  // waiters before its one attempt (2 ms became 181 ms).
  it('makes a retryCount 0 acquire fail after its one attempt, without queueing behind waiters', async () => {
    const retryDelayMs = 2_000;
    const redlock = new Redlock(fx.clients, { releaseNotifications: true, retryDelay: retryDelayMs, retryJitter: 0 });
    const held = await redlock.acquire(['queue'], TTL_MS);
    // A waiter ahead in line (it may get the lock once released, or give up).
    const waiting = redlock.acquire(['queue'], TTL_MS, { retryCount: 1 }).then((lock) => lock.release(), () => undefined);
    await sleep(20);
    const startMs = performance.now();
    const failure = (await rejection(redlock.acquire(['queue'], TTL_MS, { retryCount: 0 }))) as ExecutionError;
    const elapsedMs = performance.now() - startMs;
    console.log(`retryCount 0 behind a waiter: ${elapsedMs.toFixed(1)} ms`);
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.attemptCount).toBe(1);
    expect(elapsedMs).toBeLessThan(retryDelayMs / 2);
    await held.release();
    await waiting;
    await redlock.quit();
  });

  // Issue: each Redlock opened its own subscriber connection per node, closed only by
  // quit() (which also quits the caller's clients): 20 short-lived instances over one
  // client turned 2 connections into 22.
  it('shares one subscriber per client among short-lived Redlocks and closes it when idle', async () => {
    const clients = fx.connect();
    await waitReady(clients);
    const holder = new Redlock(clients, { retryCount: 0 });
    const baseline = await connectedClients(fx, 0);
    for (let instance = 0; instance < 20; instance += 1) {
      const held = await holder.acquire([`short-${instance}`], TTL_MS);
      const redlock = new Redlock(clients, { releaseNotifications: true, retryCount: 1, retryDelay: 30, retryJitter: 0 });
      await rejection(redlock.acquire([`short-${instance}`], TTL_MS));
      await held.release();
      // Dropped without quit(), as a short-lived instance is.
    }
    const during = await connectedClients(fx, 0);
    console.log(`connections on node 0: ${baseline} before, ${during} after 20 short-lived Redlocks`);
    expect(during).toBeLessThanOrEqual(baseline + 1);
    // Once nothing waits (and the 5 s linger passed), the shared subscriber closes too.
    await expect.poll(() => connectedClients(fx, 0), { timeout: 9_000, interval: 200 }).toBe(baseline);
  });
});
