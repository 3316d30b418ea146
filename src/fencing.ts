/**
 * Fencing tokens: the counter key of a resource, and the next token.
 *
 * Counter keys live under the library's own `redquorum:fence:` prefix (no rule on
 * resource names) and reproduce the resource's Redis Cluster hash slot: a resource with
 * a hash tag `{t}` gets `redquorum:fence:{t}:<resource>`, an untagged one
 * `redquorum:fence:{<resource>}`, whose tag is the whole resource name. Either way the
 * counter hashes to its lock key's slot, so the acquire script may read it on a Cluster.
 * The one name that cannot be reproduced is an untagged one containing `}` (the tag
 * would end early); `fenceKeyInSlot` is false for it.
 */
export const FENCE_KEY_PREFIX = 'redquorum:fence:';

/** The content of a key's Redis Cluster hash tag, or undefined when it has none. */
export function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open === -1) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
}

/** The key of a resource's fencing counter. */
export function fenceKey(resource: string): string {
  const tag = hashTag(resource);
  if (tag !== undefined) return `${FENCE_KEY_PREFIX}{${tag}}:${resource}`;
  return resource.includes('}') ? `${FENCE_KEY_PREFIX}${resource}` : `${FENCE_KEY_PREFIX}{${resource}}`;
}

/** Whether `fenceKey(resource)` is in the resource's hash slot (see the module comment). */
export function fenceKeyInSlot(resource: string): boolean {
  return hashTag(resource) !== undefined || !resource.includes('}');
}

/**
 * Bits below the wall-clock milliseconds in a token: 1,024 tokens per ms before the
 * counter runs ahead of the clock. Tokens stay below 2^53 (exact in Lua's doubles and
 * JavaScript numbers) until the year 2248.
 */
export const FENCE_TICK_BITS = 10n;

/**
 * The next token: greater than every counter read on the quorum, and at least the
 * holder's wall-clock ms times 2^10. The counter part keeps tokens increasing while a
 * quorum remembers them; the clock part keeps them increasing when the counters are gone
 * (every node restarted empty): a later acquisition, made more than a TTL later by
 * Redlock's own assumptions, reads a later clock. What remains assumed: the wall clocks
 * of the clients differ by less than the TTL (minus 1 ms), and one resource is acquired
 * fewer than 1,024 times in any millisecond.
 */
export function nextFence(readTokens: Iterable<unknown>, wallMs: number): bigint {
  let max = 0n;
  for (const token of readTokens) {
    const read = BigInt(token as string);
    if (read > max) max = read;
  }
  const clock = BigInt(Math.max(0, Math.floor(wallMs))) << FENCE_TICK_BITS;
  return max + 1n > clock ? max + 1n : clock;
}
