/** Largest node count: Redlock's quorum math is exercised well below it, and ports are finite. */
export const NODE_COUNT_MAX = 15;
/** Largest client-group count (each group costs one proxy per node). */
export const GROUP_COUNT_MAX = 8;

/** Validates a testbed's node and group counts; RangeError names the argument and range. */
export function validateCounts(nodes: number, groups: number): { nodes: number; groups: number } {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > NODE_COUNT_MAX) {
    throw new RangeError(`nodes must be an integer from 1 to ${NODE_COUNT_MAX}, got ${String(nodes)}`);
  }
  if (!Number.isInteger(groups) || groups < 1 || groups > GROUP_COUNT_MAX) {
    throw new RangeError(`groups must be an integer from 1 to ${GROUP_COUNT_MAX}, got ${String(groups)}`);
  }
  return { nodes, groups };
}
