import type { Runtime } from '../runtime.js';
import { IoredisNodeClient, isIoredisClient } from './ioredis.js';
import type { NodeClient } from './node-client.js';
import { NodeRedisClient, isNodeRedisClient } from './node-redis.js';

/** An object that already implements NodeClient: used as it is. */
export function isNodeClient(client: object): client is NodeClient {
  const c = client as Record<string, unknown>;
  return typeof c['runScript'] === 'function' && typeof c['subscriber'] === 'function';
}

/**
 * The NodeClient for one of the clients given to `new Redlock(clients)`: the object
 * itself when it implements NodeClient, else the adapter of its driver.
 * Throws a TypeError naming `clients[index]` for anything else.
 */
export function adaptClient(client: unknown, index: number, runtime: Runtime): NodeClient {
  if (client !== null && typeof client === 'object') {
    if (isNodeClient(client)) return client;
    if (isIoredisClient(client)) return new IoredisNodeClient(client, runtime);
    if (isNodeRedisClient(client)) return new NodeRedisClient(client);
  }
  throw new TypeError(
    `clients[${index}] must be an ioredis Redis or Cluster client, or an object implementing NodeClient (runScript and subscriber functions), or a node-redis client or cluster (v4 to v6), got ${client === null ? 'null' : typeof client}`,
  );
}
