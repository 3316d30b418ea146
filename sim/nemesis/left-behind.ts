/**
 * Measures the keys a one-way loss leaves behind: lock keys on the lossy nodes whose
 * value no quorum of nodes holds (no live lock, only a blocker: the SET was applied, its
 * reply lost, and the attempt failed), and how long the longest of them stayed. Whether
 * they block the node until their TTL, as the spec predicts, or only until the client's
 * clean-up reaches them, is what `maxAgeMs` tells. Read on the nodes' direct endpoints,
 * past Toxiproxy, every SAMPLE_MS.
 */
import type { Redis } from 'ioredis';
import type { Endpoint } from '../testbed/endpoint.js';
import { openAdminConnection } from '../testbed/redis-admin.js';

// A sample every this many ms.
const SAMPLE_MS = 150;
// Keys looked at per node and sample: the lab's nodes hold a few dozen lock keys.
const KEYS_MAX = 1_000;

export interface LeftBehindSampler {
  /** Stops sampling; resolves with the distinct (node, key, value) left behind seen, and the longest-lived one's age. */
  stop(): Promise<{ keysLeftBehind: number; maxAgeMs: number }>;
}

export function sampleLeftBehind(endpoints: readonly Endpoint[], lossyNodes: readonly number[], onError: (error: unknown) => void): LeftBehindSampler {
  const quorum = Math.floor(endpoints.length / 2) + 1;
  // First and last sample each (node, key, value) was seen in.
  const seen = new Map<string, { firstMs: number; lastMs: number }>();
  let stopped = false;
  let connections: Promise<Redis[]> | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const sample = async (): Promise<void> => {
    connections ??= Promise.all(endpoints.map((endpoint) => openAdminConnection(endpoint, { timeoutMs: 1_000 })));
    const redis = await connections;
    const nowMs = performance.now();
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
        const entry = seen.get(id);
        if (entry === undefined) seen.set(id, { firstMs: nowMs, lastMs: nowMs });
        else entry.lastMs = nowMs;
      });
    }
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
      // Seen in one sample only: it lived less than two sample periods.
      const ages = [...seen.values()].map((entry) => entry.lastMs - entry.firstMs + SAMPLE_MS);
      return { keysLeftBehind: seen.size, maxAgeMs: Math.round(Math.max(0, ...ages)) };
    },
  };
}
