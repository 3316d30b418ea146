import type { NodeRedisLike } from '../../src/clients/node-redis.js';
import type { Endpoint } from '../testbed/endpoint.js';

/** The client libraries a lab worker can run the library's Redlock on (`--client`). */
export const LOCK_CLIENT_LIBRARIES = ['ioredis', 'node-redis'] as const;
export type LockClientLibrary = (typeof LOCK_CLIENT_LIBRARIES)[number];

// How long closing one client may take: a node behind a partition never answers QUIT.
const CLOSE_TIMEOUT_MS = 500;
const RECONNECT_STEP_MS = 20;
const RECONNECT_MAX_MS = 200;

interface NodeRedisModule {
  createClient(options: unknown): NodeRedisLike;
}

/** node-redis clients for Redlock, one per endpoint, with the same bounds as the lab's ioredis ones. */
export interface NodeRedisClients {
  readonly clients: readonly NodeRedisLike[];
  close(): Promise<void>;
}

/**
 * Opens one node-redis client per endpoint (loaded only when asked for, so ioredis runs
 * never load it). Commands queue while a client (re)connects, as the lab's ioredis
 * clients do; the library votes such a node against at once instead of sending. A
 * command in flight when the connection drops is failed by node-redis, never replayed.
 */
export async function openNodeRedisClients(endpoints: readonly Endpoint[], connectTimeoutMs: number): Promise<NodeRedisClients> {
  const redis = (await import('redis')) as unknown as NodeRedisModule;
  const clients = endpoints.map(({ host, port }) => {
    const client = redis.createClient({
      socket: { host, port, connectTimeout: connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(RECONNECT_STEP_MS * (retries + 1), RECONNECT_MAX_MS) },
    });
    client.on('error', () => {
      // Node errors are expected under faults; each call's outcome is what the history records.
    });
    // Not awaited: a node behind a fault must not hold up the worker's start.
    client.connect().catch(() => undefined);
    return client;
  });
  return {
    clients,
    async close() {
      await Promise.all(
        clients.map(async (client) => {
          if (!client.isOpen) return;
          const closing = Promise.resolve(typeof client.destroy === 'function' ? client.destroy() : client.disconnect?.());
          const timeout = new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
          await Promise.race([closing.catch(() => undefined), timeout]);
        }),
      );
    },
  };
}
