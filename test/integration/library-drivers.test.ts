import { Redis } from 'ioredis';
import { Toxiproxy, type Proxy, type Timeout } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisServers } from '../../sim/testbed/redis-servers.js';
import { ToxiproxyServer } from '../../sim/testbed/toxiproxy-server.js';
import { adaptClient } from '../../src/clients/adapt.js';
import { monotonicMs } from '../../src/clock.js';
import { ExecutionError, NodeTimeoutError, NodeUnavailableError, Redlock, ResourceLockedError, driftMs } from '../../src/index.js';
import { NODE_RUNTIME } from '../../src/runtime.js';
import { releaseChannel } from '../../src/scripts.js';
import { ClusterServers } from './helpers/cluster.js';
import { DRIVERS, type AnyClient, type Driver } from './helpers/drivers.js';
import { rejection } from './helpers/outcomes.js';
import { subscriberCounts } from './helpers/subscribers.js';
import { lockKeys, sleep, RELEASE_LANDS_MS } from './helpers/servers.js';

// The library's promises, run once per client library on the same real servers:
// ioredis and every node-redis major. A row that fails names its driver and version.
const NODE_COUNT = 3;
const TTL_MS = 5_000;
const NODE_TIMEOUT_MS = 200;
/** Redis keeps time in whole milliseconds (mstime), so a PTTL can read up to this much low. */
const REDIS_CLOCK_RESOLUTION_MS = 1;
/** How long a client may take to see its node die or come back. */
const STATE_CHANGE_MS = 10_000;
/** How long a waiter's SUBSCRIBE may take to be in place (it is sent, not awaited, by the library). */
const SUBSCRIBED_MS = 5_000;

let servers: RedisServers | undefined;
let toxiproxy: ToxiproxyServer | undefined;
let clusters: ClusterServers | undefined;
const proxies: Proxy[] = [];
const admins: Redis[] = [];

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} did not start (see beforeAll)`);
  return value;
}

beforeAll(async () => {
  // Started at once: the clusters' masters take 2 s to accept writes (Redis's own delay after
  // a start), which covers the other two. Whatever started is stopped in afterAll.
  const [redis, proxy, cluster] = await Promise.allSettled([RedisServers.start({ count: NODE_COUNT }), ToxiproxyServer.start(), ClusterServers.start(NODE_COUNT)]);
  if (redis.status === 'fulfilled') servers = redis.value;
  if (proxy.status === 'fulfilled') toxiproxy = proxy.value;
  if (cluster.status === 'fulfilled') clusters = cluster.value;
  for (const result of [redis, proxy, cluster]) if (result.status === 'rejected') throw result.reason;
  if (!servers || !toxiproxy) throw new Error('unreachable: every start was fulfilled');
  const api = new Toxiproxy(toxiproxy.url);
  for (const node of servers.nodes) {
    proxies.push(await api.createProxy({ name: `driver-node-${node.index}`, listen: '127.0.0.1:0', upstream: node.address }));
    const admin = new Redis({ host: '127.0.0.1', port: node.port, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    admin.on('error', () => {
      // A crashed node makes its admin client reconnect; tests read lock clients' errors.
    });
    admins.push(admin);
  }
});

afterAll(async () => {
  for (const admin of admins) admin.disconnect();
  await toxiproxy?.stop();
  await servers?.stop();
  await clusters?.stop();
});

/** Subscribers on `channel`, summed over the nodes. */
async function subscribers(channel: string): Promise<number> {
  return (await subscriberCounts(admins, channel)).reduce((a, b) => a + b, 0);
}

async function keysOnAllNodes(): Promise<string[]> {
  const byNode = await Promise.all(admins.map(async (admin, index) => (need(servers, 'redis').node(index).running ? admin.keys('*') : [])));
  return byNode.flatMap((keys, index) => keys.map((key) => `${index}:${key}`)).sort();
}

/** Waits until the driver's own readiness (as the library reads it) is `ready` for every client. */
async function waitReadiness(clients: readonly AnyClient[], ready: boolean): Promise<void> {
  const nodes = clients.map((client, index) => adaptClient(client, index, NODE_RUNTIME));
  const deadline = performance.now() + STATE_CHANGE_MS;
  while (nodes.some((node) => node.ready !== ready)) {
    if (performance.now() > deadline) throw new Error(`clients not ${ready ? 'ready' : 'down'} within ${STATE_CHANGE_MS} ms`);
    await sleep(10);
  }
}

describe.each(DRIVERS.filter((d) => process.env['ONLY'] === undefined || d.label.startsWith(process.env['ONLY'])).map((driver) => [driver.label, driver] as const))('the library on %s', (_label, driver: Driver) => {
  const open: AnyClient[] = [];
  const clientErrors: Error[] = [];

  const connect = async (via: 'direct' | 'proxy' = 'direct'): Promise<AnyClient[]> => {
    const ports = via === 'direct' ? need(servers, 'redis').nodes.map((node) => node.port) : proxies.map((proxy) => Number(proxy.listen.split(':').pop()));
    const clients = await Promise.all(ports.map((port) => driver.connect(port, clientErrors)));
    open.push(...clients);
    return clients;
  };

  afterEach(async () => {
    for (const proxy of proxies) {
      for (const name of ['blackhole']) await proxy.getToxic(name).then((toxic) => toxic.remove(), () => undefined);
    }
    const redis = need(servers, 'redis');
    await Promise.all(redis.nodes.filter((node) => !node.running).map((node) => node.start()));
    await Promise.all(open.splice(0).map((client) => driver.close(client)));
    await Promise.all(admins.map((admin) => admin.flushall()));
  });

  it('locks on a quorum, refuses a held resource, keys votes by the caller’s clients, and releases everywhere', async () => {
    const clients = await connect();
    const redlock = new Redlock(clients, { retryCount: 0 });
    const lock = await redlock.acquire(['quorum'], TTL_MS);
    const stats = await lock.attempts[0];
    expect(stats?.votesFor.size).toBe(NODE_COUNT);
    for (const client of clients) expect((stats?.votesFor as Set<unknown> | undefined)?.has(client)).toBe(true);
    expect(lockKeys(await keysOnAllNodes())).toEqual(['0:quorum', '1:quorum', '2:quorum']);

    const refused = (await rejection(redlock.acquire(['quorum'], TTL_MS))) as ExecutionError;
    expect(refused).toBeInstanceOf(ExecutionError);
    expect(refused.reason).toBe('locked');
    const refusedStats = await refused.attempts[0];
    for (const client of clients) expect((refusedStats?.votesAgainst as Map<unknown, Error> | undefined)?.get(client)).toBeInstanceOf(ResourceLockedError);

    await lock.release();
    await expect.poll(async () => lockKeys(await keysOnAllNodes()), { timeout: RELEASE_LANDS_MS, interval: 10 }).toEqual([]);
  });

  it('with a node down, locks on the others and that node votes against at once; it counts again once back', async () => {
    const clients = await connect();
    const redlock = new Redlock(clients, { retryCount: 0 });
    const redis = need(servers, 'redis');
    await redis.node(2).crash();
    await waitReadiness([clients[2] as AnyClient], false);
    const startMs = monotonicMs();
    const lock = await redlock.acquire(['node-down'], TTL_MS);
    expect(monotonicMs() - startMs).toBeLessThan(NODE_TIMEOUT_MS * 10);
    const stats = await lock.attempts[0];
    expect(stats?.votesFor.size).toBe(2);
    expect((stats?.votesAgainst as Map<unknown, Error> | undefined)?.get(clients[2])).toBeInstanceOf(NodeUnavailableError);
    await lock.release();

    await redis.node(2).start();
    await waitReadiness(clients, true);
    const again = await redlock.acquire(['node-down'], TTL_MS);
    expect((await again.attempts[0])?.votesFor.size).toBe(NODE_COUNT);
    await again.release();
  });

  it("with a majority down, fails at once with reason 'unavailable' and leaves no key", async () => {
    const clients = await connect();
    const redlock = new Redlock(clients, { retryCount: 0 });
    const redis = need(servers, 'redis');
    await Promise.all([redis.node(0).crash(), redis.node(1).crash()]);
    await waitReadiness(clients.slice(0, 2), false);
    const failure = (await rejection(redlock.acquire(['majority-down'], TTL_MS))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('unavailable');
    // The one live node's key is taken back (the clean-up resolves at a quorum of answers, so a moment later at most).
    await expect.poll(async () => lockKeys(await keysOnAllNodes()), { timeout: RELEASE_LANDS_MS, interval: 10 }).toEqual([]);
  });

  it('a black-holed majority costs the node timeout, not a hang; a black-holed minority costs nothing', async () => {
    const clients = await connect('proxy');
    const redlock = new Redlock(clients, { retryCount: 0, nodeTimeoutMs: NODE_TIMEOUT_MS });
    const blackHole = (proxy: Proxy): Promise<unknown> => proxy.addToxic<Timeout>({ name: 'blackhole', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });

    await blackHole(proxies[0] as Proxy);
    // The quorum answers at once; with a node timeout of seconds, waiting for the
    // black-holed node would show.
    const patient = new Redlock(clients, { retryCount: 0, nodeTimeoutMs: 5_000 });
    const minorityStartMs = monotonicMs();
    const lock = await patient.acquire(['minority-hole'], TTL_MS);
    expect(monotonicMs() - minorityStartMs).toBeLessThan(5_000);
    await lock.release();

    await blackHole(proxies[1] as Proxy);
    const startMs = monotonicMs();
    const failure = (await rejection(redlock.acquire(['majority-hole'], TTL_MS))) as ExecutionError;
    const tookMs = monotonicMs() - startMs;
    expect(failure.reason).toBe('unavailable');
    for (const index of [0, 1]) expect(failure.lastAttempt.find((o) => o.node === index)?.error).toBeInstanceOf(NodeTimeoutError);
    // One timeout for the attempt, one for taking the keys back on every node.
    expect(tookMs).toBeGreaterThanOrEqual(NODE_TIMEOUT_MS - 5);
    expect(tookMs).toBeLessThan(2 * NODE_TIMEOUT_MS + 1_000);
  });

  it('issues fencing tokens that grow with every acquisition', async () => {
    const clients = await connect();
    const redlock = new Redlock(clients, { retryCount: 0, fencing: true });
    const tokens: bigint[] = [];
    for (let i = 0; i < 5; i += 1) {
      const lock = await redlock.acquire(['fenced'], TTL_MS);
      tokens.push(lock.fence ?? -1n);
      await lock.release();
    }
    for (let i = 1; i < tokens.length; i += 1) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] ?? 0n);
    expect(tokens[0]).toBeGreaterThan(0n);
  });

  it('wakes a waiting acquire on release, long before its retry delay', async () => {
    const retryDelayMs = 3_000;
    // A release publishes only for a Redlock that has notifications on.
    const holder = new Redlock(await connect(), { releaseNotifications: true });
    const waiter = new Redlock(await connect(), { releaseNotifications: true, retryDelay: retryDelayMs, retryJitter: 0 });
    const held = await holder.acquire(['notified'], TTL_MS);
    const startMs = monotonicMs();
    const waiting = waiter.acquire(['notified'], TTL_MS);
    // The waiter subscribes after its first attempt was refused; a release before that is
    // not heard, and the waiter sleeps out its retry delay. The release publishes on every
    // node, so a subscriber on any one of them is enough.
    await expect.poll(() => subscribers(releaseChannel('notified')), { timeout: SUBSCRIBED_MS, interval: 5 }).toBeGreaterThan(0);
    await held.release();
    const lock = await waiting;
    expect(monotonicMs() - startMs).toBeLessThan(retryDelayMs / 2);
    await lock.release();
    await waiter.quit();
    await holder.quit();
  });

  it('inspects: free, then held for at least TTL minus the time since the acquire began and drift, then free again', async () => {
    const clients = await connect();
    const redlock = new Redlock(clients, { retryCount: 0 });
    expect((await redlock.inspect(['inspected'])).state).toBe('free');
    const acquireStartMs = monotonicMs();
    const lock = await redlock.acquire(['inspected'], TTL_MS);
    const seen = await redlock.inspect(['inspected']);
    const sinceStartMs = monotonicMs() - acquireStartMs;
    expect(seen.state).toBe('held');
    // Decided as soon as a quorum shows it held.
    expect(seen.nodesHolding).toBeGreaterThanOrEqual(seen.quorumSize);
    expect(seen.heldForMs).toBeLessThanOrEqual(TTL_MS - driftMs(TTL_MS, redlock.settings.driftFactor));
    // PTTL is read on Redis's whole-millisecond clock: up to 1 ms below the real time left.
    expect(seen.heldForMs).toBeGreaterThanOrEqual(TTL_MS - 2 * sinceStartMs - driftMs(TTL_MS, redlock.settings.driftFactor) - REDIS_CLOCK_RESOLUTION_MS);
    await need(servers, 'redis').node(0).crash();
    await waitReadiness([clients[0] as AnyClient], false);
    const minorityDown = await redlock.inspect(['inspected']);
    expect(minorityDown.state).toBe('held');
    expect(minorityDown.errors.get(0)).toBeInstanceOf(NodeUnavailableError);
    // With a majority down, neither held nor free can be shown.
    await need(servers, 'redis').node(1).crash();
    await waitReadiness([clients[1] as AnyClient], false);
    const majorityDown = await redlock.inspect(['inspected']);
    expect(majorityDown.state).toBe('unknown');
    expect([...majorityDown.errors.keys()].sort()).toEqual([0, 1]);
    await need(servers, 'redis').node(1).start();
    await waitReadiness([clients[1] as AnyClient], true);
    await lock.release();
    expect((await redlock.inspect(['inspected'])).state).toBe('free');
  });

  it('releases on `await using` when the block ends', async () => {
    const redlock = new Redlock(await connect(), { retryCount: 0 });
    {
      await using lock = await redlock.acquire(['disposed'], TTL_MS);
      expect(lock.resources).toEqual(['disposed']);
      // acquire() resolves at the quorum; the last node's key lands a moment later.
      await expect.poll(async () => lockKeys(await keysOnAllNodes()).length, { timeout: RELEASE_LANDS_MS, interval: 10 }).toBe(NODE_COUNT);
    }
    await expect.poll(async () => lockKeys(await keysOnAllNodes()), { timeout: RELEASE_LANDS_MS, interval: 10 }).toEqual([]);
  });

  it('on cluster clients, locks resources of one hash slot and refuses resources of several before sending anything', async () => {
    const ports = need(clusters, 'clusters').ports;
    const clients = await Promise.all(ports.map((port) => driver.connectCluster(port, clientErrors)));
    open.push(...clients);
    const redlock = new Redlock(clients, { retryCount: 0 });
    const lock = await redlock.acquire(['{order:1}:a', '{order:1}:b'], TTL_MS);
    expect((await lock.attempts[0])?.votesFor.size).toBe(NODE_COUNT);
    expect((await redlock.inspect(['{order:1}:a', '{order:1}:b'])).state).toBe('held');
    await lock.release();
    expect(await rejection(redlock.inspect(['order:1', 'order:2']))).toBeInstanceOf(RangeError);
    const failure = await rejection(redlock.acquire(['order:1', 'order:2'], TTL_MS));
    expect(failure).toBeInstanceOf(RangeError);
    expect((failure as Error).message).toMatch(/slot/);
  });
});
