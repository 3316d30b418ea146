import { Redis, type Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionError, Redlock } from '../../src/index.js';
import { releaseChannel } from '../../src/scripts.js';
import { clustersReady, withClusters } from './helpers/cluster.js';
import { rejection } from './helpers/outcomes.js';
import { subscriberCounts } from './helpers/subscribers.js';

const TTL_MS = 5_000;
/** How long a waiter's SUBSCRIBE may take to be in place (it is sent, not awaited, by the library). */
const SUBSCRIBED_MS = 5_000;

/** EVALSHA and EVAL calls on every master of every cluster (INFO commandstats). */
async function scriptCalls(fx: ReturnType<typeof withClusters>): Promise<number> {
  let total = 0;
  for (const cluster of fx.clusters) {
    for (const node of cluster.nodes) {
      if (!node.running) continue;
      const admin = new Redis({ host: '127.0.0.1', port: node.port });
      try {
        const info = await admin.info('commandstats');
        for (const match of info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)) total += Number(match[2]);
      } finally {
        admin.disconnect();
      }
    }
  }
  return total;
}

// The quorum of three clusters starts with the file, so that its masters' 2 s delay before
// accepting writes (Redis's own, after a start) passes while the one-cluster tests run.
let quorumOfThree: ReturnType<typeof withClusters> | undefined;
beforeAll(() => {
  // Its own beforeAll awaits the same start and fails on its error.
  quorumOfThree?.start().catch(() => undefined);
});
afterAll(() => quorumOfThree?.stop());

describe('Redis Cluster, one cluster', () => {
  const fx = withClusters(1);

  async function client(): Promise<Cluster> {
    const [made] = fx.connect();
    await clustersReady([made!]);
    return made!;
  }

  it('locks, extends and releases single- and multi-resource locks, and names the node by its address', async () => {
    const cluster = await client();
    const redlock = new Redlock([cluster], { retryCount: 0 });
    const single = await redlock.acquire(['job:nightly'], TTL_MS);
    expect(await cluster.get('job:nightly')).toBe(single.value);
    const extended = await single.extend(TTL_MS);
    expect(await cluster.pttl('job:nightly')).toBeGreaterThan(TTL_MS - 1_000);
    await extended.release();
    expect(await cluster.get('job:nightly')).toBeNull();

    const multi = await redlock.acquire(['{order:7}', '{order:7}:items'], TTL_MS);
    expect(await cluster.get('{order:7}:items')).toBe(multi.value);
    // A refusal names the cluster by the address of its first node, not "cluster".
    const other = new Redlock([cluster], { retryCount: 0 });
    const refused = (await rejection(other.acquire(['{order:7}:items'], TTL_MS))) as ExecutionError;
    expect(refused.lastAttempt[0]?.address).toBe(fx.clusters[0]!.address);
    await multi.release();
  });

  // Issue: the counter "<resource>:fence" was in another hash slot than its lock, so
  // every fenced acquire of an untagged name failed with CROSSSLOT, reported as unavailable.
  it('fences untagged and tagged names, each counter in its lock key slot', async () => {
    const cluster = await client();
    const redlock = new Redlock([cluster], { fencing: true, retryCount: 0 });
    for (const resource of ['invoice-7', '{tenant:3}:invoice-8']) {
      const first = await redlock.acquire([resource], TTL_MS);
      await first.release();
      const second = await redlock.acquire([resource], TTL_MS);
      expect(second.fence).toBeGreaterThan(first.fence!);
      await second.release();
    }
    const multi = await redlock.acquire(['{tenant:3}:a', '{tenant:3}:b'], TTL_MS);
    expect(typeof multi.fence).toBe('bigint');
    await multi.release();
  });

  it('refuses, before sending anything, a lock whose resources span hash slots', async () => {
    const cluster = await client();
    const redlock = new Redlock([cluster], { retryCount: 0 });
    const before = await scriptCalls(fx);
    const error = await rejection(redlock.acquire(['cart:1', 'stock:1'], TTL_MS));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/different hash slots.*hash tag/);
    const fenced = await rejection(redlock.acquire(['a}b'], TTL_MS, { fencing: true }));
    expect(fenced).toBeInstanceOf(RangeError);
    expect(await scriptCalls(fx)).toBe(before);
  });
  it('wakes a waiter on a release published on the Cluster, long before its retry delay', async () => {
    const cluster = await client();
    const retryDelayMs = 3_000;
    const holder = new Redlock([cluster], { retryCount: 0, releaseNotifications: true });
    const waiter = new Redlock([cluster], { releaseNotifications: true, retryDelay: retryDelayMs, retryJitter: 0 });
    const held = await holder.acquire(['{wake}:job'], TTL_MS);
    const startMs = performance.now();
    const waiting = waiter.acquire(['{wake}:job'], TTL_MS);
    // The waiter subscribes, on one master of the cluster, after its first attempt was
    // refused; a release before that is not heard. PUBSUB NUMSUB counts a node's own
    // subscribers only (a PUBLISH reaches every node), so the masters' counts are summed.
    const channel = releaseChannel('{wake}:job');
    const admins = fx.clusters[0]!.nodes.map((node) => new Redis({ host: '127.0.0.1', port: node.port }));
    try {
      const subscribers = async (): Promise<number> => (await subscriberCounts(admins, channel)).reduce((a, b) => a + b, 0);
      await expect.poll(subscribers, { timeout: SUBSCRIBED_MS, interval: 10 }).toBeGreaterThan(0);
    } finally {
      for (const admin of admins) admin.disconnect();
    }
    await held.release();
    const lock = await waiting;
    expect(performance.now() - startMs).toBeLessThan(retryDelayMs);
    await lock.release();
  });

  // Issue: a Cluster's release subscriber stayed open (and kept the process alive) after
  // its waits were over.
  it('closes the release subscriber of a Cluster once nothing waits', async () => {
    const cluster = await client();
    const connections = async (): Promise<number> => {
      let total = 0;
      for (const node of fx.clusters[0]!.nodes) {
        const admin = new Redis({ host: '127.0.0.1', port: node.port });
        try {
          total += Number(/^connected_clients:(\d+)/m.exec(await admin.info('clients'))?.[1]) - 1;
        } finally {
          admin.disconnect();
        }
      }
      return total;
    };
    const holder = new Redlock([cluster], { retryCount: 0 });
    const held = await holder.acquire(['{hot}:key'], TTL_MS);
    const baseline = await connections();
    const redlock = new Redlock([cluster], { releaseNotifications: true, retryCount: 1, retryDelay: 100, retryJitter: 0 });
    await rejection(redlock.acquire(['{hot}:key'], TTL_MS));
    await held.release();
    await expect.poll(connections, { timeout: 3_000, interval: 100 }).toBe(baseline);
  });
});

describe('Redis Cluster, a quorum of three clusters', () => {
  const fx = withClusters(3);
  quorumOfThree = fx;

  it('keeps locking, fenced, after a master of one cluster is killed mid-test', async () => {
    const clients = fx.connect();
    await clustersReady(clients);
    const redlock = new Redlock(clients, { fencing: true, retryCount: 2, retryDelay: 50 });
    redlock.on('error', () => undefined);
    const resources = Array.from({ length: 12 }, (_, index) => `shard-${index}`);
    const fences = new Map<string, bigint>();
    for (const resource of resources) {
      const lock = await redlock.acquire([resource], TTL_MS);
      const stats = await lock.attempts[0]!;
      expect(stats.votesFor.size).toBe(3);
      fences.set(resource, lock.fence!);
      await lock.release();
    }
    await fx.clusters[0]!.kill(0);
    let lostAVote = 0;
    for (const resource of resources) {
      const lock = await redlock.acquire([resource], TTL_MS);
      expect(lock.fence).toBeGreaterThan(fences.get(resource)!);
      const stats = await lock.attempts.at(-1)!;
      if (stats.votesFor.size < 3) lostAVote += 1;
      await lock.release();
    }
    // Some of the 12 names hash to the killed master's slots: those got 2 votes of 3.
    expect(lostAVote).toBeGreaterThan(0);
  });
});
