import { createHash } from 'node:crypto';

/**
 * The Lua scripts Redlock runs on every node. Each is atomic on its node, so a
 * multi-resource lock is all-or-nothing per node. Adapters send EVALSHA with `sha` and
 * fall back to EVAL with `lua` when the server does not have the script cached.
 */
export interface Script {
  /** A name for errors and diagnostics. */
  readonly name: string;
  readonly lua: string;
  /** The SHA1 Redis caches the script under (what EVALSHA sends). */
  readonly sha: string;
}

function script(name: string, lua: string): Script {
  return Object.freeze({ name, lua, sha: createHash('sha1').update(lua).digest('hex') });
}

/** The channel a release publishes on, per resource, for waiters to wake up early. */
export function releaseChannel(resource: string): string {
  return `redquorum:released:${resource}`;
}

/**
 * The suffix of fencing counter keys. Resource names may not end with it, or a lock
 * could land on another resource's counter (and a counter, which has no TTL, would
 * lock that name forever).
 */
export const FENCE_KEY_SUFFIX = ':fence';

/** The key of a resource's fencing counter. */
export function fenceKey(resource: string): string {
  return `${resource}${FENCE_KEY_SUFFIX}`;
}

/**
 * KEYS[1..n]: lock keys; KEYS[n+1..]: their fencing counters (only when fencing).
 * ARGV: value, ttlMs, n. A key already holding this value counts as this lock's own
 * (a retried attempt that reached the node before is not locked out by itself).
 * Returns {0, i} when resource i is held by another value; {1, fence} when every
 * resource was set, fence being the largest counter read ("0" without fencing).
 */
export const ACQUIRE: Script = script('redquorumAcquire', `
local n = tonumber(ARGV[3])
for i = 1, n do
  local held = redis.call('GET', KEYS[i])
  if held and held ~= ARGV[1] then return {0, i} end
end
for i = 1, n do
  redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2])
end
local fence = '0'
for i = n + 1, #KEYS do
  local counter = redis.call('GET', KEYS[i])
  if counter and tonumber(counter) > tonumber(fence) then fence = counter end
end
return {1, fence}
`);

/**
 * KEYS: lock keys. ARGV: value, ttlMs. Compare-and-pexpire: extends only when every
 * key still holds this value. Returns 1 when extended, 0 otherwise.
 */
export const EXTEND: Script = script('redquorumExtend', `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) ~= ARGV[1] then return 0 end
end
for i = 1, #KEYS do
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return 1
`);

/**
 * KEYS: lock keys. ARGV: value, publish ('1' or '0'). Compare-and-delete: deletes only
 * keys holding this value, so a holder whose lock expired cannot delete its
 * successor's. A release publishes each deletion for waiters; the clean-up of a failed
 * attempt does not, or losers of a contended key would wake each other in a loop
 * while the winner holds it. Returns the number of keys deleted.
 */
export const RELEASE: Script = script('redquorumRelease', `
local count = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    if ARGV[2] == '1' then redis.call('PUBLISH', 'redquorum:released:' .. KEYS[i], '1') end
    count = count + 1
  end
end
return count
`);

/**
 * KEYS: fencing counters. ARGV: token. Raises each counter to the token, never lowers
 * it, so that the largest token issued is on a quorum before the lock is returned.
 */
export const FENCE: Script = script('redquorumFence', `
local token = tonumber(ARGV[1])
for i = 1, #KEYS do
  local counter = redis.call('GET', KEYS[i])
  if not counter or tonumber(counter) < token then redis.call('SET', KEYS[i], ARGV[1]) end
end
return 1
`);

export const SCRIPTS: readonly Script[] = [ACQUIRE, EXTEND, RELEASE, FENCE];
