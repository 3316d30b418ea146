import { createRequire } from 'node:module';
import { Cluster, Redis } from 'ioredis';
import type { NodeRedisLike } from '../../../src/clients/node-redis.js';
import type { Client } from '../../../src/types.js';

// The client libraries the integration suite runs on, one row each. node-redis majors
// come from npm aliases in devDependencies (redis4, redis5) beside `redis` itself (v6).
const require = createRequire(import.meta.url);

/** Reconnect quickly after a node restarts, and give up after about a minute. */
const RECONNECT_STEP_MS = 20;
const RECONNECT_MAX_MS = 200;
const RECONNECT_TRIES_MAX = 300;
/** How long a new client may take to connect. */
const CONNECT_TIMEOUT_MS = 10_000;

/** A client of either library, as the caller hands it to Redlock. */
export type AnyClient = Client | NodeRedisLike;

export interface Driver {
  /** e.g. `ioredis 5.9.2`, `node-redis 4.7.1`. */
  readonly label: string;
  /** A client of one standalone node on 127.0.0.1, connected. */
  connect(port: number, errors: Error[]): Promise<AnyClient>;
  /** A client of a one-master cluster on 127.0.0.1, connected. */
  connectCluster(port: number, errors: Error[]): Promise<AnyClient>;
  /** Closes at once, without waiting for a node that may be down. */
  close(client: AnyClient): Promise<void>;
}

interface NodeRedisModule {
  createClient(options: unknown): NodeRedisLike;
  createCluster(options: unknown): NodeRedisLike;
}

function versionOf(moduleName: string): string {
  return (require(`${moduleName}/package.json`) as { version: string }).version;
}

const ioredis: Driver = {
  label: `ioredis ${versionOf('ioredis')}`,
  async connect(port, errors) {
    const client = new Redis({
      host: '127.0.0.1',
      port,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => (times > RECONNECT_TRIES_MAX ? null : Math.min(times * RECONNECT_STEP_MS, RECONNECT_MAX_MS)),
    });
    client.on('error', (error: Error) => errors.push(error));
    await readyWithin(client);
    return client;
  },
  async connectCluster(port, errors) {
    const cluster = new Cluster([{ host: '127.0.0.1', port }], { redisOptions: { maxRetriesPerRequest: 1 } });
    cluster.on('error', (error: Error) => errors.push(error));
    await readyWithin(cluster);
    return cluster;
  },
  async close(client) {
    (client as Redis).disconnect();
  },
};

/**
 * Waits for an ioredis client's `ready` event. Not `lazyConnect` + connect(): the
 * library's ioredis subscriber is a duplicate, and a duplicate of a lazyConnect client
 * never connects by itself.
 */
async function readyWithin(client: Redis | Cluster): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ioredis did not connect within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function nodeRedis(moduleName: string): Driver {
  const redis = require(moduleName) as NodeRedisModule;
  const reconnectStrategy = (retries: number): number | Error =>
    retries > RECONNECT_TRIES_MAX ? new Error(`gave up after ${RECONNECT_TRIES_MAX} reconnects`) : Math.min((retries + 1) * RECONNECT_STEP_MS, RECONNECT_MAX_MS);
  const connected = async (client: NodeRedisLike, errors: Error[]): Promise<AnyClient> => {
    client.on('error', (error: Error) => errors.push(error));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${moduleName} did not connect within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.connect(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return client;
  };
  return {
    label: `node-redis ${versionOf(moduleName)}`,
    connect: (port, errors) => connected(redis.createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy } }), errors),
    connectCluster: (port, errors) => connected(redis.createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port, reconnectStrategy } }] }), errors),
    async close(client) {
      const c = client as NodeRedisLike; // this driver's own clients
      if (!c.isOpen) return;
      try {
        await (typeof c.destroy === 'function' ? c.destroy() : c.disconnect?.());
      } catch {
        // Closed meanwhile (ClientClosedError): nothing is left to close.
      }
    },
  };
}

/** Every client library (and node-redis major) the library supports. */
export const DRIVERS: readonly Driver[] = [ioredis, nodeRedis('redis4'), nodeRedis('redis5'), nodeRedis('redis')];
