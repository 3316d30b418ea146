import calculateSlot from 'cluster-key-slot';
import type { NodeClient } from './clients/node-client.js';
import { fenceKey, fenceKeyInSlot } from './fencing.js';

/** The Redis Cluster hash slot of a key (CRC16 of its hash tag, or of the whole key). */
export function keySlot(key: string): number {
  return calculateSlot(key);
}

/**
 * On a Redis Cluster a script's keys must share one hash slot. Throws a RangeError naming
 * the resources and the fix (a common hash tag) before anything is sent.
 */
export function checkOneSlot(keys: readonly { key: string; resource: string }[], prefix: string, clientIndex: number): void {
  const first = keys[0];
  if (first === undefined) return;
  const slot = keySlot(prefix + first.key);
  for (const other of keys) {
    const otherSlot = keySlot(prefix + other.key);
    if (otherSlot !== slot) {
      throw new RangeError(
        `resources ${JSON.stringify(first.resource)} and ${JSON.stringify(other.resource)} are in different hash slots (${slot} and ${otherSlot}) ` +
          `of the Redis Cluster of clients[${clientIndex}]; a lock's resources must share one slot there: give them one hash tag, ` +
          `e.g. "{order-42}:payment" and "{order-42}:stock"`,
      );
    }
  }
}

/**
 * On a Cluster client every key of one script must share a hash slot: refuses a lock
 * whose resources (or fencing counters) would not, before anything is sent.
 */
export function checkClusterSlots(nodes: readonly { index: number; driver: NodeClient }[], keys: readonly string[], fencing: boolean): void {
  const checked = new Set<string>();
  for (const node of nodes) {
    if (!node.driver.cluster) continue;
    const prefix = node.driver.keyPrefix ?? '';
    if (checked.has(prefix)) continue;
    checked.add(prefix);
    if (fencing) {
      keys.forEach((resource, index) => {
        if (!fenceKeyInSlot(resource)) {
          throw new RangeError(
            `resources[${index}] ${JSON.stringify(resource)} cannot be fenced on the Redis Cluster of clients[${node.index}]: it has no hash tag and contains "}", ` +
              'so no fencing counter can share its hash slot; give it a hash tag, e.g. "{job}:name"',
          );
        }
      });
    }
    const all = keys.map((key) => ({ key, resource: key }));
    if (fencing) all.push(...keys.map((key) => ({ key: fenceKey(key), resource: key })));
    checkOneSlot(all, prefix, node.index);
  }
}
