import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { monotonicMs } from '../../src/clock.js';
import { Redlock } from '../../src/index.js';
import { releaseChannel } from '../../src/scripts.js';
import { findOverlaps, type HoldInterval } from './helpers/hold-intervals.js';
import { subscriberCounts } from './helpers/subscribers.js';
import { resetAfterEach, sleep, withServers, lockKeysSettle } from './helpers/servers.js';

const TTL_MS = 5_000;
// Long enough that a waiter woken by the release is told apart from one that slept it out.
const RETRY_DELAY_MS = 2_000;

describe('releaseNotifications', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  /**
   * Resolves once every node has a subscriber on `channel` (PUBSUB NUMSUB). A waiter
   * subscribes only after its first attempt was refused, and without waiting for the
   * SUBSCRIBE to land; a release published before it lands wakes no one. Bounded by the
   * retry delay: past it the waiter would have retried anyway.
   */
  async function subscribed(channel: string): Promise<void> {
    const admins = fx.servers.nodes.map((_, index) => fx.admin(index));
    const everyNodeListens = async (): Promise<boolean> => (await subscriberCounts(admins, channel)).every((count) => count > 0);
    await expect.poll(everyNodeListens, { timeout: RETRY_DELAY_MS, interval: 5 }).toBe(true);
  }

  it('wakes a waiting acquire when the holder releases, long before its retry delay', async () => {
    // The holder's release publishes only because the holder, too, turned notifications on.
    const holder = new Redlock(fx.connect(), { releaseNotifications: true });
    const waiter = new Redlock(fx.connect(), { releaseNotifications: true, retryDelay: RETRY_DELAY_MS, retryJitter: 0 });
    try {
      const held = await holder.acquire(['wake'], TTL_MS);
      const startMs = monotonicMs();
      const waiting = waiter.acquire(['wake'], TTL_MS);
      await subscribed(releaseChannel('wake'));
      await held.release();
      const lock = await waiting;
      const waitedMs = monotonicMs() - startMs;
      expect(waitedMs).toBeLessThan(RETRY_DELAY_MS / 2);
      await lock.release();
    } finally {
      await waiter.quit();
    }
  });

  it('wakes a waiter whose clients were made with lazyConnect (the subscriber connects by itself)', async () => {
    const lazy = (): Redis[] =>
      fx.servers.nodes.map((node) => {
        const client = new Redis({ host: node.host, port: node.port, lazyConnect: true, maxRetriesPerRequest: 1 });
        client.on('error', () => undefined);
        return client;
      });
    const holderClients = lazy();
    const waiterClients = lazy();
    await Promise.all([...holderClients, ...waiterClients].map((client) => client.connect()));
    const holder = new Redlock(holderClients, { releaseNotifications: true });
    const waiter = new Redlock(waiterClients, { releaseNotifications: true, retryDelay: RETRY_DELAY_MS, retryJitter: 0 });
    try {
      const held = await holder.acquire(['lazy-wake'], TTL_MS);
      const startMs = monotonicMs();
      const waiting = waiter.acquire(['lazy-wake'], TTL_MS);
      await subscribed(releaseChannel('lazy-wake'));
      await held.release();
      const lock = await waiting;
      expect(monotonicMs() - startMs).toBeLessThan(RETRY_DELAY_MS / 2);
      await lock.release();
    } finally {
      await Promise.all([holder.quit(), waiter.quit()]);
    }
  });

  it('without notifications the same waiter sleeps out its retry delay (the control)', async () => {
    const holder = new Redlock(fx.connect());
    const waiter = new Redlock(fx.connect(), { retryDelay: 600, retryJitter: 0 });
    const held = await holder.acquire(['control'], TTL_MS);
    // The waiter emits each node's refusal once its first attempt is decided: the release
    // then comes after that attempt, so the waiter is in its retry delay.
    const refused = new Promise<void>((resolve) => waiter.on('error', () => resolve()));
    const startMs = monotonicMs();
    const waiting = waiter.acquire(['control'], TTL_MS);
    await refused;
    await held.release();
    const lock = await waiting;
    // Less 1 ms: a timer is due by the event loop's clock, which can lag this one by up to 1 ms.
    expect(monotonicMs() - startMs).toBeGreaterThanOrEqual(600 - 1);
    await lock.release();
  });

  it('passes a hot lock between the waiters of one process in turn, exclusively, with no one giving up', async () => {
    const redlock = new Redlock(fx.connect(), { releaseNotifications: true });
    const intervals: HoldInterval[] = [];
    const perWorker = [0, 0, 0, 0, 0, 0];
    let gaveUp = 0;
    const deadlineMs = monotonicMs() + 2_000;
    try {
      await Promise.all(
        perWorker.map(async (_, worker) => {
          while (monotonicMs() < deadlineMs) {
            try {
              const lock = await redlock.acquire(['hot'], TTL_MS);
              const start = monotonicMs();
              await sleep(1);
              const end = monotonicMs();
              intervals.push({ holder: `w${worker}-${intervals.length}`, resource: 'hot', startMs: start, endMs: end });
              await lock.release();
              perWorker[worker]! += 1;
            } catch {
              gaveUp += 1;
            }
            await sleep(2);
          }
        }),
      );
    } finally {
      await redlock.quit();
    }
    expect(findOverlaps(intervals)).toEqual([]);
    expect(gaveUp).toBe(0);
    expect(Math.min(...perWorker)).toBeGreaterThan(0);
    // In turn: no waiter gets more than twice the share of another.
    expect(Math.max(...perWorker) / Math.min(...perWorker)).toBeLessThanOrEqual(2);
    console.log(`hand-off: ${intervals.length} acquisitions in 2 s by 6 waiters, per waiter ${perWorker.join(' ')}`);
  });

  it('hands the turn on at once when the first waiter in line is aborted', async () => {
    // The holder has no notifications, so its release publishes nothing and wakes no one:
    // only the first waiter leaving the line can send the second to try at once. Were the
    // turn not handed on, the second would wait out its whole retry delay.
    const holder = new Redlock(fx.connect());
    const redlock = new Redlock(fx.connect(), { releaseNotifications: true, retryDelay: RETRY_DELAY_MS, retryJitter: 0 });
    try {
      const held = await holder.acquire(['line'], TTL_MS);
      const controller = new AbortController();
      const first = redlock.acquire(['line'], TTL_MS, { signal: controller.signal });
      const firstSettled = first.then(
        () => 'acquired',
        (error: unknown) => (error instanceof Error ? error.name : String(error)),
      );
      // The first subscribes once its attempt was refused: it is then waiting for its turn.
      await subscribed(releaseChannel('line'));
      // The second joins the line behind it at once and waits, before any attempt of its own.
      const second = redlock.acquire(['line'], TTL_MS);
      // The key is gone from every node (the release resolves at its quorum, its
      // statistics once every node answered); nobody is told.
      await Promise.all((await held.release()).attempts);
      const startMs = monotonicMs();
      controller.abort();
      expect(await firstSettled).toBe('AbortError');
      const lock = await second;
      expect(monotonicMs() - startMs).toBeLessThan(RETRY_DELAY_MS / 2);
      await lock.release();
    } finally {
      await redlock.quit();
    }
    await lockKeysSettle(fx, []);
  });

  it('opens one subscriber connection per node only once a wait happens, and quit() closes it', async () => {
    const clientCount = async (): Promise<number> => {
      const list = (await fx.admin(0).client('LIST')) as string;
      return list.trim().split('\n').length;
    };
    const baseline = await clientCount();
    const redlock = new Redlock(fx.connect(), { releaseNotifications: true, retryDelay: 50, retryJitter: 0, retryCount: 1 });
    const lock = await redlock.acquire(['subscribers'], TTL_MS);
    expect(await clientCount()).toBe(baseline + 1); // the lock client alone
    await expect(redlock.acquire(['subscribers'], TTL_MS)).rejects.toThrow(/unable to achieve a quorum/);
    await expect.poll(clientCount, { timeout: 1_000 }).toBe(baseline + 2);
    await lock.release();
    await redlock.quit();
    await expect.poll(clientCount, { timeout: 1_000 }).toBe(baseline);
  });
});
