import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisServers } from '../../sim/testbed/redis-servers.js';
import { Redlock } from '../../src/index.js';
import { IoredisNodeClient } from '../../src/clients/ioredis.js';
import { LINGER_MS, ReleaseNotifier } from '../../src/release-notifier.js';
import { NODE_RUNTIME } from '../../src/runtime.js';
import { releaseChannel } from '../../src/scripts.js';
import { subscriberCounts } from './helpers/subscribers.js';

// Long enough that a wait resolved by a message cannot be mistaken for a timeout.
const LONG_WAIT_MS = 10_000;
const SUBSCRIBE_POLL_MS = 5;
const SUBSCRIBE_DEADLINE_MS = 5_000;

describe('ReleaseNotifier against real redis-server', () => {
  let servers: RedisServers | undefined;
  const opened: Redis[] = [];
  const notifiers: ReleaseNotifier[] = [];

  beforeAll(async () => {
    servers = await RedisServers.start({ count: 3 });
  });
  afterEach(async () => {
    for (const n of notifiers.splice(0)) n.quit();
    for (const client of opened.splice(0)) client.disconnect();
  });
  afterAll(async () => {
    await servers?.stop();
  });

  function clients(options: { keyPrefix?: string } = {}): Redis[] {
    if (!servers) throw new Error('servers did not start');
    const list = servers.nodes.map((node) => new Redis({ host: node.host, port: node.port, ...options }));
    // A crashed node makes its client report errors; the test checks outcomes, not logs.
    for (const client of list) client.on('error', () => undefined);
    opened.push(...list);
    return list;
  }

  function notifier(list: Redis[], options: { lingerMs?: number } = {}): ReleaseNotifier {
    const nodes = list.map((client) => ({ client, driver: new IoredisNodeClient(client, NODE_RUNTIME) }));
    const created = new ReleaseNotifier(nodes, { runtime: NODE_RUNTIME, onError: () => undefined, lingerMs: options.lingerMs ?? LINGER_MS });
    notifiers.push(created);
    return created;
  }

  /** One wait in a line of its own: notified by any release after `sinceMs` (default: now). */
  async function waitForRelease(n: ReleaseNotifier, resources: string[], maxWaitMs: number, signal?: AbortSignal, sinceMs = NODE_RUNTIME.monotonicMs()) {
    const ticket = n.joinLine(resources);
    try {
      return await n.waitForTurn(ticket, maxWaitMs, signal, sinceMs);
    } finally {
      ticket.leave(true);
    }
  }

  async function numsub(client: Redis, channel: string): Promise<number> {
    const [count] = await subscriberCounts([client], channel);
    return count ?? 0;
  }

  /** Waits until `count` subscribers listen on the channel on this node (SUBSCRIBE is not awaited). */
  async function subscribed(client: Redis, channel: string, count = 1): Promise<void> {
    const deadline = performance.now() + SUBSCRIBE_DEADLINE_MS;
    while (performance.now() < deadline) {
      if ((await numsub(client, channel)) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_POLL_MS));
    }
    throw new Error(`no subscriber on ${channel} within ${SUBSCRIBE_DEADLINE_MS} ms`);
  }

  it('wakes a waiter when a release is published on any one node', async () => {
    const list = clients();
    const wait = waitForRelease(notifier(list), ['res-a'], LONG_WAIT_MS);
    await subscribed(list[2]!, releaseChannel('res-a'));
    await list[2]!.publish(releaseChannel('res-a'), '1');
    expect(await wait).toBe('notified');
  });

  it('times out when nothing is released, and resolves aborted on abort', async () => {
    const list = clients();
    const n = notifier(list);
    expect(await waitForRelease(n, ['res-b'], 30)).toBe('timeout');
    const controller = new AbortController();
    const wait = waitForRelease(n, ['res-b'], LONG_WAIT_MS, controller.signal);
    controller.abort();
    expect(await wait).toBe('aborted');
    expect(await waitForRelease(n, ['res-b'], LONG_WAIT_MS, controller.signal)).toBe('aborted');
    expect(await waitForRelease(n, ['res-b'], 0)).toBe('timeout');
  });

  it('ignores releases of other resources', async () => {
    const list = clients();
    const n = notifier(list);
    const pending = Symbol('pending');
    let outcome: string | typeof pending = pending;
    const wait = waitForRelease(n, ['res-c'], LONG_WAIT_MS);
    void wait.then((value) => (outcome = value));
    const barrier = waitForRelease(n, ['res-c-barrier'], LONG_WAIT_MS);
    await subscribed(list[0]!, releaseChannel('res-c'));
    await subscribed(list[0]!, releaseChannel('res-c-barrier'));
    await list[0]!.publish(releaseChannel('res-other'), '1');
    // Redis delivers one connection's messages in order: once the barrier's release (sent
    // after the other one) has woken its waiter, the other release had been seen, and had
    // not woken the waiter for res-c.
    await list[0]!.publish(releaseChannel('res-c-barrier'), '1');
    expect(await barrier).toBe('notified');
    expect(outcome).toBe(pending);
    // And the waiter was listening all along: its own release wakes it (a notifier that
    // never wakes fails here).
    await list[0]!.publish(releaseChannel('res-c'), '1');
    expect(await wait).toBe('notified');
  });

  it('is woken by the release script of a real lock, and by nothing but the release', async () => {
    const list = clients();
    const redlock = new Redlock(list, { retryCount: 0, releaseNotifications: true });
    const n = notifier(list);
    const lock = await redlock.acquire(['res-d'], 10_000);
    const wait = waitForRelease(n, ['res-d'], LONG_WAIT_MS);
    for (const client of list) await subscribed(client, releaseChannel('res-d'));
    await expect(redlock.acquire(['res-d'], 10_000)).rejects.toThrow();
    await lock.release();
    expect(await wait).toBe('notified');
  });

  it('counts a release seen after sinceMs but before the wait began', async () => {
    const list = clients();
    const n = notifier(list);
    const first = waitForRelease(n, ['res-e'], LONG_WAIT_MS);
    await subscribed(list[1]!, releaseChannel('res-e'));
    const beforeMs = Number(process.hrtime.bigint()) / 1e6;
    await list[1]!.publish(releaseChannel('res-e'), '1');
    expect(await first).toBe('notified');
    expect(await waitForRelease(n, ['res-e'], LONG_WAIT_MS, undefined, beforeMs)).toBe('notified');
    const afterMs = Number(process.hrtime.bigint()) / 1e6;
    expect(await waitForRelease(n, ['res-e'], 30, undefined, afterMs)).toBe('timeout');
  });

  it('keeps a channel subscribed for lingerMs after its last waiter, then unsubscribes', async () => {
    const list = clients();
    const lingering = notifier(list, { lingerMs: 60_000 });
    expect(await waitForRelease(lingering, ['res-f'], 20)).toBe('timeout');
    await subscribed(list[0]!, releaseChannel('res-f'));
    const brief = notifier(list, { lingerMs: 0 });
    expect(await waitForRelease(brief, ['res-g'], 20)).toBe('timeout');
    const deadline = performance.now() + SUBSCRIBE_DEADLINE_MS;
    while ((await numsub(list[0]!, releaseChannel('res-g'))) > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_POLL_MS));
    expect(await numsub(list[0]!, releaseChannel('res-g'))).toBe(0);
    expect(await numsub(list[0]!, releaseChannel('res-f'))).toBe(1);
  });

  it('listens on the prefixed channel when the clients use an ioredis keyPrefix', async () => {
    const list = clients({ keyPrefix: 'app:' });
    const redlock = new Redlock(list, { retryCount: 0, releaseNotifications: true });
    const n = notifier(list);
    const lock = await redlock.acquire(['res-i'], 10_000);
    const wait = waitForRelease(n, ['res-i'], LONG_WAIT_MS);
    await subscribed(list[0]!, releaseChannel('app:res-i'));
    await lock.release();
    expect(await wait).toBe('notified');
  });

  it('resolves pending waits with closed on quit and closes its subscriber connections', async () => {
    const list = clients();
    const n = notifier(list);
    const wait = waitForRelease(n, ['res-j'], LONG_WAIT_MS);
    await subscribed(list[0]!, releaseChannel('res-j'));
    n.quit();
    expect(await wait).toBe('closed');
    const deadline = performance.now() + SUBSCRIBE_DEADLINE_MS;
    let subscribers = 1;
    while (subscribers > 0 && performance.now() < deadline) {
      subscribers = await numsub(list[0]!, releaseChannel('res-j'));
      await new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_POLL_MS));
    }
    expect(subscribers).toBe(0);
    expect(await waitForRelease(n, ['res-j'], LONG_WAIT_MS)).toBe('closed');
  });

  it('still wakes on the live nodes, and still times out, with one node down', async () => {
    if (!servers) throw new Error('servers did not start');
    const list = clients();
    await servers.node(2).crash();
    try {
      const n = notifier(list);
      expect(await waitForRelease(n, ['res-k'], 50)).toBe('timeout');
      const wait = waitForRelease(n, ['res-k'], LONG_WAIT_MS);
      await subscribed(list[0]!, releaseChannel('res-k'));
      await list[0]!.publish(releaseChannel('res-k'), '1');
      expect(await wait).toBe('notified');
    } finally {
      await servers.node(2).start();
    }
  });

  describe('the hand-off line', () => {
    const pending = Symbol('pending');
    const state = <T>(promise: Promise<T>): Promise<T | typeof pending> =>
      Promise.race([promise, new Promise<typeof pending>((resolve) => setTimeout(() => resolve(pending), 50))]);

    it('puts waiters for the same resource set in arrival order, whatever the order of the resources', () => {
      const n = notifier(clients());
      const a = n.joinLine(['x', 'y']);
      const b = n.joinLine(['y', 'x', 'x']);
      const other = n.joinLine(['x']);
      expect([a.first, b.first, other.first]).toEqual([true, false, true]);
      a.leave(true);
      expect(b.first).toBe(true);
      a.leave(true);
      expect(b.first).toBe(true);
      b.leave(true);
      other.leave(true);
    });

    it('wakes only the first in line on a release; the next goes on the release after', async () => {
      const list = clients();
      const n = notifier(list);
      const a = n.joinLine(['line-a']);
      const b = n.joinLine(['line-a']);
      const waitA = n.waitForTurn(a, LONG_WAIT_MS, undefined, NODE_RUNTIME.monotonicMs());
      const waitB = n.waitForTurn(b, LONG_WAIT_MS, undefined, NODE_RUNTIME.monotonicMs());
      // The second release is published on another node: every node's subscription must be
      // in place, not only the first one's (each node's SUBSCRIBE is sent on its own).
      for (const client of list) await subscribed(client, releaseChannel('line-a'));
      await list[0]!.publish(releaseChannel('line-a'), '1');
      expect(await waitA).toBe('notified');
      expect(await state(waitB)).toBe(pending);
      a.leave(true);
      await list[1]!.publish(releaseChannel('line-a'), '1');
      expect(await waitB).toBe('notified');
      b.leave(true);
    });

    it('wakes the next in line at once when the first leaves without the lock', async () => {
      const n = notifier(clients());
      const a = n.joinLine(['line-b']);
      const b = n.joinLine(['line-b']);
      const waitB = n.waitForTurn(b, LONG_WAIT_MS, undefined, NODE_RUNTIME.monotonicMs());
      expect(await state(waitB)).toBe(pending);
      a.leave(false);
      expect(await waitB).toBe('notified');
      b.leave(true);
    });

    it('ends a waiter\'s turn by its bound even while releases keep waking the first', async () => {
      const list = clients();
      const n = notifier(list);
      const a = n.joinLine(['line-c']);
      const b = n.joinLine(['line-c']);
      const waitB = n.waitForTurn(b, 150, undefined, NODE_RUNTIME.monotonicMs());
      await subscribed(list[0]!, releaseChannel('line-c'));
      let outcome: string | typeof pending = pending;
      void waitB.then((value) => (outcome = value));
      for (let i = 0; i < 100 && outcome === pending; i += 1) {
        await list[0]!.publish(releaseChannel('line-c'), '1');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await waitB).toBe('timeout');
      a.leave(true);
      b.leave(true);
    });

    it('resolves aborted when the waiter in line is aborted', async () => {
      const n = notifier(clients());
      const a = n.joinLine(['line-d']);
      const b = n.joinLine(['line-d']);
      const controller = new AbortController();
      const waitB = n.waitForTurn(b, LONG_WAIT_MS, controller.signal, NODE_RUNTIME.monotonicMs());
      controller.abort();
      expect(await waitB).toBe('aborted');
      b.leave(false);
      expect(a.first).toBe(true);
      a.leave(true);
    });
  });
});
