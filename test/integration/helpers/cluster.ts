import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { killAndWait, track } from '../../../sim/testbed/child-processes.js';
import { freePort } from '../../../sim/testbed/free-port.js';
import { findTool } from '../../../sim/testbed/tools.js';

/** How long a cluster may take to start, join and agree (it takes about 1-2 s). */
const CLUSTER_READY_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
/** Masters of one test cluster: enough to spread slots, few enough to start fast. */
export const MASTERS_DEFAULT = 3;

interface ClusterNode {
  readonly port: number;
  readonly busPort: number;
  child: ChildProcess | undefined;
}

/**
 * A real Redis Cluster on loopback: `masters` redis-server processes with
 * `--cluster-enabled yes`, joined by `redis-cli --cluster create ... --cluster-replicas 0`.
 * Every process is tracked, so it dies with the test process whatever happens.
 */
export class RedisCluster {
  private constructor(
    readonly nodes: readonly ClusterNode[],
    private readonly dir: string,
  ) {}

  static async start(masters = MASTERS_DEFAULT): Promise<RedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'redquorum-cluster-'));
    const nodes: ClusterNode[] = [];
    // The bus port is chosen too (cluster-port), so port + 10000 need not be free.
    for (let index = 0; index < masters; index += 1) nodes.push({ port: await freePort(), busPort: await freePort(), child: undefined });
    const cluster = new RedisCluster(nodes, dir);
    try {
      for (const node of nodes) node.child = startNode(node, dir);
      await Promise.all(nodes.map((node) => waitFor(() => ping(node.port), `node ${node.port} to answer`)));
      await runCli(['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '0', '--cluster-yes']);
      await Promise.all(nodes.map((node) => waitFor(() => clusterOk(node.port), `node ${node.port} to see cluster_state:ok`)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The nodes a Cluster client is given; the first one names the cluster. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  get address(): string {
    return `127.0.0.1:${this.nodes[0]!.port}`;
  }

  /** kill -9 one master: its slots become unavailable (no replicas). */
  async kill(index: number): Promise<void> {
    const node = this.nodes[index];
    if (!node) throw new RangeError(`node index must be from 0 to ${this.nodes.length - 1}, got ${index}`);
    if (node.child) await killAndWait(node.child);
    node.child = undefined;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => (node.child ? killAndWait(node.child) : undefined)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function startNode(node: ClusterNode, dir: string): ChildProcess {
  const args = [
    '--port', String(node.port),
    '--cluster-port', String(node.busPort),
    '--bind', '127.0.0.1',
    '--cluster-enabled', 'yes',
    '--cluster-config-file', join(dir, `nodes-${node.port}.conf`),
    '--cluster-node-timeout', '1000',
    // A killed master takes only its own slots down; the others keep serving.
    '--cluster-require-full-coverage', 'no',
    '--dir', dir,
    '--save', '',
    '--appendonly', 'no',
    '--protected-mode', 'no',
    '--loglevel', 'warning',
  ];
  const child = spawn(findTool('redis-server'), args, { stdio: 'ignore' });
  track(child);
  return child;
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

async function ping(port: number): Promise<boolean> {
  return withClient(port, async (client) => (await client.ping()) === 'PONG').catch(() => false);
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

/** `count` clusters started in beforeAll and stopped in afterAll; clients made here are closed there too. */
export function withClusters(count: number, masters = MASTERS_DEFAULT) {
  const clusters: RedisCluster[] = [];
  const clients: Cluster[] = [];
  beforeAll(async () => {
    const started = await Promise.allSettled(Array.from({ length: count }, () => RedisCluster.start(masters)));
    for (const result of started) if (result.status === 'fulfilled') clusters.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(clusters.map((cluster) => cluster.stop()));
  });
  return {
    clusters,
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
