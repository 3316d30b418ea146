import { spawn } from 'node:child_process';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { track } from '../../../sim/testbed/child-processes.js';
import { RedisServers, type RedisNode } from '../../../sim/testbed/redis-servers.js';
import { findTool } from '../../../sim/testbed/tools.js';

/** How long a cluster may take to join and agree (it takes about 1-2 s). */
const CLUSTER_READY_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
const SLOT_MAX = 16_383;
/** Masters of one test cluster: enough to spread slots, few enough to start fast. */
export const MASTERS_DEFAULT = 3;
const MASTERS_MAX = 7;

/**
 * A real Redis Cluster on loopback: `masters` cluster-enabled redis-servers, each started
 * by the testbed on a port it bound and proven to be the spawned process. Three or more
 * are joined by `redis-cli --cluster create ... --cluster-replicas 0`; a single master
 * (which redis-cli refuses to join) claims every slot itself. Every process is tracked,
 * so it dies with the test process whatever happens.
 */
export class RedisCluster {
  private constructor(private readonly servers: RedisServers) {}

  static async start(masters = MASTERS_DEFAULT): Promise<RedisCluster> {
    if (!Number.isInteger(masters) || masters < 1 || masters === 2 || masters > MASTERS_MAX) {
      throw new RangeError(`masters must be 1 or an integer from 3 to ${MASTERS_MAX}, got ${String(masters)}`);
    }
    const cluster = new RedisCluster(await RedisServers.start({ count: masters, cluster: true }));
    try {
      const ports = cluster.ports;
      if (masters === 1) await withClient(ports[0]!, (client) => client.call('CLUSTER', 'ADDSLOTSRANGE', '0', String(SLOT_MAX)));
      else await runCli(['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
      await Promise.all(ports.map((port) => waitFor(() => clusterOk(port), `node ${port} to see cluster_state:ok`)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The masters, in the order they were given to redis-cli. */
  get nodes(): readonly RedisNode[] {
    return this.servers.nodes;
  }

  get ports(): number[] {
    return this.servers.nodes.map((node) => node.port);
  }

  /** The nodes a Cluster client is given; the first one names the cluster. */
  get startupNodes(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  get address(): string {
    return `127.0.0.1:${this.ports[0]!}`;
  }

  /** kill -9 one master: its slots become unavailable (no replicas). */
  async kill(index: number): Promise<void> {
    await this.servers.node(index).crash();
  }

  async stop(): Promise<void> {
    await this.servers.stop();
  }
}

/** `count` independent one-master Redis Clusters: the smallest real clusters a Redlock runs on. */
export class ClusterServers {
  private constructor(private readonly clusters: readonly RedisCluster[]) {}

  static async start(count: number): Promise<ClusterServers> {
    if (!Number.isInteger(count) || count < 1 || count > MASTERS_MAX) throw new RangeError(`count must be an integer from 1 to ${MASTERS_MAX}, got ${String(count)}`);
    const started = await Promise.allSettled(Array.from({ length: count }, () => RedisCluster.start(1)));
    const clusters = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await Promise.all(clusters.map((cluster) => cluster.stop()));
      throw failed.reason;
    }
    return new ClusterServers(clusters);
  }

  /** Each cluster's one port. */
  get ports(): number[] {
    return this.clusters.map((cluster) => cluster.ports[0]!);
  }

  async stop(): Promise<void> {
    await Promise.all(this.clusters.map((cluster) => cluster.stop()));
  }
}

function runCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(findTool('redis-cli'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli ${args.join(' ')} exited ${code}: ${output.trim()}`))));
  });
}

async function withClient<T>(port: number, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

async function clusterOk(port: number): Promise<boolean> {
  return withClient(port, async (client) => /cluster_state:ok/.test(String(await client.cluster('INFO')))).catch(() => false);
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + CLUSTER_READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`timed out after ${CLUSTER_READY_TIMEOUT_MS} ms waiting for ${what}`);
}

/**
 * `count` clusters started in beforeAll and stopped in afterAll; clients made here are closed
 * there too. `start()` may be called earlier (a file's own beforeAll) so that Redis's 2 s
 * delay before a fresh cluster master accepts writes passes while other tests run; it starts
 * the clusters once. `stop()` is idempotent, for a file that started them early to call too.
 */
export function withClusters(count: number, masters = MASTERS_DEFAULT) {
  const clusters: RedisCluster[] = [];
  const clients: Cluster[] = [];
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  const start = (): Promise<void> =>
    (starting ??= (async () => {
      const started = await Promise.allSettled(Array.from({ length: count }, () => RedisCluster.start(masters)));
      for (const result of started) if (result.status === 'fulfilled') clusters.push(result.value);
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    })());
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const client of clients) client.disconnect();
      await starting?.catch(() => undefined);
      await Promise.all(clusters.map((cluster) => cluster.stop()));
    })());
  beforeAll(start, 60_000);
  afterAll(stop);
  return {
    clusters,
    start,
    stop,
    /** One ioredis Cluster client per cluster. */
    connect(): Cluster[] {
      const made = clusters.map((cluster) => {
        const client = new Cluster(cluster.startupNodes, { redisOptions: { maxRetriesPerRequest: 1 }, clusterRetryStrategy: () => 100 });
        client.on('error', () => undefined);
        return client;
      });
      clients.push(...made);
      return made;
    },
  };
}

/** Waits until every Cluster client is ready. */
export async function clustersReady(clients: readonly Cluster[]): Promise<void> {
  await waitFor(async () => clients.every((client) => client.status === 'ready'), 'the Cluster clients to be ready');
}
