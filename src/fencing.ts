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

/** The clock part of a token: the wall-clock ms times 2^10 (0 before the epoch). */
export function clockFence(wallMs: number): bigint {
  return BigInt(Math.max(0, Math.floor(wallMs))) << FENCE_TICK_BITS;
}

/** The largest counter read (0 when none). */
export function maxFence(readTokens: Iterable<unknown>): bigint {
  let max = 0n;
  for (const token of readTokens) {
    const read = BigInt(token as string);
    if (read > max) max = read;
  }
  return max;
}

/**
 * The token an acquire attempt proposes: the clock part, or one more than the last
 * proposal of the same Redlock when that is greater (two acquisitions within one ms
 * would otherwise propose the same token, and the second could not take the fast path).
 * The acquire script raises every counter below it to it, atomically with taking the
 * lock keys.
 */
export function proposeFence(wallMs: number, lastProposed: bigint): bigint {
  const clock = clockFence(wallMs);
  return lastProposed + 1n > clock ? lastProposed + 1n : clock;
}

/**
 * The token of an attempt whose proposal went out with its acquire, when the proposal
 * needs no write-back: every node that voted for raised its counters to `proposed` if
 * they were below it, and returned the largest counter it read before; when `proposed`
 * is above every one of those, those nodes (a quorum) now all hold `proposed`, so it is
 * already on a quorum. Undefined otherwise: the token is then `nextFence` of the same
 * reads, and is written back to a quorum.
 */
export function fastFence(readTokens: Iterable<unknown>, proposed: bigint): bigint | undefined {
  return proposed > maxFence(readTokens) ? proposed : undefined;
}

/**
 * The next token: greater than every counter read on the quorum, and at least the
 * holder's wall-clock ms times 2^10. The counter part keeps tokens increasing while a
 * quorum remembers them; the clock part keeps them increasing when the counters are gone
 * (every node restarted empty): a later acquisition, made more than a TTL later by
 * Redlock's own assumptions, reads a later clock. What remains assumed: the wall clocks
 * of the clients differ by less than the TTL (minus 1 ms), one resource is acquired
 * fewer than 1,024 times in any millisecond, and one Redlock proposes fewer than 1,024
 * tokens in any millisecond (one per fenced acquire attempt, see `proposeFence`): so
 * neither part runs a millisecond ahead of the clock.
 */
export function nextFence(readTokens: Iterable<unknown>, wallMs: number): bigint {
  const next = maxFence(readTokens) + 1n;
  const clock = clockFence(wallMs);
  return next > clock ? next : clock;
}
