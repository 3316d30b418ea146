import calculateSlot from 'cluster-key-slot';

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
