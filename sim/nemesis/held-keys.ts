/**
 * The lock keys a node holds at a crash, and how many of them its restart brings back:
 * what a crash did to the locks, read from the node itself (its direct endpoint, past
 * Toxiproxy). A lock key is a string with a TTL; its value is the holder's random lock
 * value, so a key that comes back with the same value is the same holder's key, not a new
 * acquisition made after the restart.
 */
import type { Redis } from 'ioredis';

// One atomic look at the (small) test database: name and value of every key with a TTL.
const HELD_KEYS_SCRIPT = `
local out = {}
for _, key in ipairs(redis.call('KEYS', '*')) do
  if redis.call('PTTL', key) > 0 and redis.call('TYPE', key).ok == 'string' then
    out[#out + 1] = key
    out[#out + 1] = redis.call('GET', key)
  end
end
return out
`;

/** Lock key name to lock value, at this moment. */
export async function heldKeys(redis: Redis): Promise<Map<string, string>> {
  const flat = (await redis.eval(HELD_KEYS_SCRIPT, 0)) as string[];
  const held = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) held.set(flat[i] as string, flat[i + 1] as string);
  return held;
}

/** How many of `before` are held again, by the same lock value. Pure. */
export function keysBack(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): number {
  let back = 0;
  for (const [key, value] of before) if (after.get(key) === value) back += 1;
  return back;
}
