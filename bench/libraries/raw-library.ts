import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { closeClients, createClients, pingAll } from './clients.js';
import type { LockLibrary } from './lock-library.js';

/** Compare-and-delete, the least a correct release can do. */
const COMPARE_AND_DELETE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

type RawClient = Redis & { benchCompareAndDelete(key: string, value: string): Promise<number> };

/**
 * The floor any Redlock client stands on: one SET NX PX per node in parallel, a majority
 * check, and one compare-and-delete per node. No retries, no validity or drift math, no
 * statistics. `raw-pipelined` turns on ioredis auto-pipelining, which batches concurrent
 * commands to a node into one write.
 */
export function createRawLibrary(addresses: readonly string[], name: 'raw' | 'raw-pipelined'): LockLibrary {
  const clients = createClients(addresses, { enableAutoPipelining: name === 'raw-pipelined' }) as RawClient[];
  for (const client of clients) client.defineCommand('benchCompareAndDelete', { numberOfKeys: 1, lua: COMPARE_AND_DELETE });
  const quorum = Math.floor(clients.length / 2) + 1;
  const releaseAll = (key: string, value: string): Promise<unknown> =>
    Promise.all(clients.map((client) => client.benchCompareAndDelete(key, value).catch(() => 0)));
  return {
    name,
    acquire: async (resources, ttlMs) => {
      const [key] = resources;
      if (key === undefined || resources.length !== 1) throw new RangeError('the raw floor locks exactly one resource');
      const value = randomBytes(16).toString('hex');
      const replies = await Promise.all(clients.map((client) => client.set(key, value, 'PX', ttlMs, 'NX').catch(() => null)));
      if (replies.filter((reply) => reply === 'OK').length < quorum) {
        await releaseAll(key, value);
        throw new Error(`raw floor: no majority for ${key}`);
      }
      return { release: () => releaseAll(key, value) };
    },
    ready: (timeoutMs) => pingAll(clients, timeoutMs),
    close: () => closeClients(clients),
  };
}
