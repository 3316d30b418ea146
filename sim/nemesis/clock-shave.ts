/**
 * The key-level clock emulation shared by clockJump and clockRate.
 *
 * Why emulate: Redis 7 expires keys by the wall clock (gettimeofday), and libfaketime cannot
 * be used on Debian's redis-server (it aborts with recursive clock_gettime calls under
 * jemalloc). What a wall-clock change does to a lock is change when its key expires, so
 * that is what is emulated: moving a node's clock forward by J ms is the same, for every
 * key with a TTL, as taking J ms off its remaining TTL, and a key with J ms or less left
 * expires at once. A negative J (clock moved back) adds to the TTL instead.
 *
 * The script runs atomically on one node (the direct endpoint, past Toxiproxy), so no
 * client sees a half-jumped keyspace. Lock keys are found with KEYS on the (small) test
 * database, filtered by a pattern; fencing counters (`*:fence`) and keys without a TTL are
 * left alone: they are not governed by the clock.
 */
import type { Redis } from 'ioredis';

export const CLOCK_SHAVE_SCRIPT = `
local shaveMs = tonumber(ARGV[1])
local shortened, expired = 0, 0
for _, key in ipairs(redis.call('KEYS', ARGV[2])) do
  if string.sub(key, -6) ~= ':fence' then
    local pttl = redis.call('PTTL', key)
    if pttl > 0 then
      if pttl <= shaveMs then
        redis.call('DEL', key)
        expired = expired + 1
      else
        redis.call('PEXPIRE', key, pttl - shaveMs)
        shortened = shortened + 1
      end
    end
  end
end
return {shortened, expired}
`;

/** Every key; the workload's lock keys are the resource names themselves. */
export const DEFAULT_LOCK_KEY_PATTERN = '*';

export interface ShaveResult {
  /** Keys whose TTL moved. */
  readonly shortened: number;
  /** Keys deleted because the shave reached their expiry. */
  readonly expired: number;
}

/** Takes `shaveMs` (an integer; negative adds) off the TTL of every matching lock key. */
export async function shaveTtls(redis: Redis, shaveMs: number, keyPattern: string): Promise<ShaveResult> {
  const reply = (await redis.eval(CLOCK_SHAVE_SCRIPT, 0, String(shaveMs), keyPattern)) as [number, number];
  return { shortened: reply[0], expired: reply[1] };
}
