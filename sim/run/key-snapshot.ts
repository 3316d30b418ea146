import type { KeySnapshotEntry } from '../checker/index.js';
import { formatEndpoint, type Endpoint } from '../testbed/endpoint.js';
import { withRedis } from '../testbed/redis-admin.js';

// A lab node holds at most a few hundred keys; the bound keeps a wrong target from
// turning the snapshot into a long scan.
const KEYS_MAX_PER_NODE = 100_000;
const SCAN_COUNT = 500;

/**
 * Every key of every node with its PTTL, read directly (not through Toxiproxy), for the
 * leftover-keys checker. A node that cannot be read is reported, not skipped silently.
 */
export async function snapshotKeys(endpoints: readonly Endpoint[]): Promise<{ entries: KeySnapshotEntry[]; problems: string[] }> {
  const entries: KeySnapshotEntry[] = [];
  const problems: string[] = [];
  await Promise.all(
    endpoints.map(async (endpoint, node) => {
      try {
        await withRedis(endpoint, async (redis) => {
          let cursor = '0';
          const keys: string[] = [];
          do {
            const [next, batch] = await redis.scan(cursor, 'COUNT', SCAN_COUNT);
            cursor = next;
            keys.push(...batch);
          } while (cursor !== '0' && keys.length < KEYS_MAX_PER_NODE);
          const pipeline = redis.pipeline();
          for (const key of keys) pipeline.pttl(key);
          const replies = (await pipeline.exec()) ?? [];
          keys.forEach((key, index) => {
            const reply = replies[index];
            if (reply && reply[0] === null) entries.push({ node, key, pttlMs: Number(reply[1]) });
          });
        });
      } catch (error) {
        problems.push(`key snapshot of node ${node} (${formatEndpoint(endpoint)}) failed: ${(error as Error).message}`);
      }
    }),
  );
  return { entries, problems };
}
