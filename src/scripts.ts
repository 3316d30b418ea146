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
 * KEYS[1..n]: lock keys; KEYS[n+1..]: their fencing counters (only when fencing).
 * ARGV: value, ttlMs, n, and with fencing the proposed token (absent: nothing raised). A key already holding
 * this value counts as this lock's own (the same command delivered twice is not locked
 * out by itself; every attempt of an acquire has a value of its own, see Redlock's
 * attemptAcquire). Once every key is set, each counter below the proposed token is
 * raised to it (never lowered, no TTL), in the same atomic step: a node that votes for
 * then holds the proposal, or a counter at least as large, which it returns.
 * Returns {0, i} when resource i is held by another value (nothing written); {1, fence}
 * when every resource was set, fence being the largest counter read before the raise
 * ("0" without fencing). Tokens stay below 2^53 (see fencing.ts), so Lua's numbers
 * compare them exactly.
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
local proposed = tonumber(ARGV[4])
for i = n + 1, #KEYS do
  local counter = redis.call('GET', KEYS[i])
  if counter and tonumber(counter) > tonumber(fence) then fence = counter end
  if proposed and (not counter or tonumber(counter) < proposed) then redis.call('SET', KEYS[i], ARGV[4]) end
end
return {1, fence}
`);

/**
 * KEYS: lock keys. ARGV: value, ttlMs. Compare-and-pexpire: extends only when every
 * key still holds this value, and never shortens a key's remaining time: an extension
 * that then fails (no quorum, or too slow) must not cut short the lock its holder still
 * counts on. Returns 1 when every key holds the value, 0 otherwise.
 */
export const EXTEND: Script = script('redquorumExtend', `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) ~= ARGV[1] then return 0 end
end
local ttl = tonumber(ARGV[2])
for i = 1, #KEYS do
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
return 1
`);

/**
 * KEYS: lock keys. ARGV: value. Compare-and-delete: deletes only keys holding this
 * value, so a holder whose lock expired cannot delete its successor's. Publishes
 * nothing: a caller who did not turn on release notifications needs no pub/sub rights
 * and pays for no PUBLISH (on a Cluster, a broadcast to every node). Returns the number
 * of keys deleted.
 */
export const RELEASE: Script = script('redquorumRelease', `
local count = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    count = count + 1
  end
end
return count
`);

/**
 * RELEASE, and a PUBLISH of each deletion on its release channel for waiters; used only
 * with `releaseNotifications`. The clean-up of a failed attempt uses RELEASE, or losers
 * of a contended key would wake each other in a loop while the winner holds it.
 */
export const RELEASE_AND_NOTIFY: Script = script('redquorumReleaseAndNotify', `
local count = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    redis.call('PUBLISH', 'redquorum:released:' .. KEYS[i], '1')
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

export const SCRIPTS: readonly Script[] = [ACQUIRE, EXTEND, RELEASE, RELEASE_AND_NOTIFY, FENCE];
