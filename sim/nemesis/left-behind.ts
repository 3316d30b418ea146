/**
 * Measures the keys a one-way loss leaves behind: lock keys on the lossy nodes whose
 * value no quorum of nodes holds (so they are no live lock, only a blocker) and that are
 * still there, with the same value, one sample later (longer than a client waits for a
 * reply, so an attempt in flight is not counted). Read on the nodes' direct endpoints,
 * past Toxiproxy.
 */
import type { Redis } from 'ioredis';
import type { Endpoint } from '../testbed/endpoint.js';
import { openAdminConnection } from '../testbed/redis-admin.js';

// A sample every this many ms; a key must survive one to count.
const SAMPLE_MS = 150;
// Keys looked at per node and sample: the lab's nodes hold a few dozen lock keys.
const KEYS_MAX = 1_000;

export interface LeftBehindSampler {
  /** Stops sampling; resolves with the distinct (node, key, value) left behind seen. */
  stop(): Promise<number>;
}

export function sampleLeftBehind(endpoints: readonly Endpoint[], lossyNodes: readonly number[], onError: (error: unknown) => void): LeftBehindSampler {
  const quorum = Math.floor(endpoints.length / 2) + 1;
  const seen = new Set<string>();
  let previous = new Set<string>();
  let stopped = false;
  let connections: Promise<Redis[]> | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const sample = async (): Promise<void> => {
    connections ??= Promise.all(endpoints.map((endpoint) => openAdminConnection(endpoint, { timeoutMs: 1_000 })));
    const redis = await connections;
    const current = new Set<string>();
    for (const node of lossyNodes) {
      const here = redis[node];
      if (here === undefined) continue;
      const keys = (await here.keys('*')).filter((key) => !key.includes(':fence')).slice(0, KEYS_MAX);
      if (keys.length === 0) continue;
      const values = await here.mget(keys);
      const everywhere = await Promise.all(redis.map((client) => client.mget(keys)));
      keys.forEach((key, index) => {
        const value = values[index];
        if (value === null || value === undefined) return;
        const holders = everywhere.filter((list) => list[index] === value).length;
        if (holders >= quorum) return;
        const id = `${node}\u0000${key}\u0000${value}`;
        current.add(id);
        if (previous.has(id)) seen.add(id);
      });
    }
    previous = current;
  };

  const timer = setInterval(() => {
    if (stopped) return;
    inFlight = inFlight.then(sample).catch(onError);
  }, SAMPLE_MS);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      if (connections !== undefined) for (const client of await connections.catch(() => [])) client.disconnect();
      return seen.size;
    },
  };
}
