import { Redis } from 'ioredis';
import type { RegisterKind, WriteResult } from '../history/types.js';
import type { Endpoint } from '../testbed/endpoint.js';

/**
 * The registers a critical section increments: counters in their own Redis, outside the
 * faulted network (not behind Toxiproxy), so that what they accepted is the ground truth
 * of what the lock protected. Three kinds (see RegisterKind in sim/history/types.ts):
 *
 * - `kleppmann`: the read presents (token, lock identity) and raises the register's
 *   highest-seen token (remembering which lock presented it); the write is accepted only
 *   if its token is still the highest seen and that lock presented it. Between a
 *   holder's read and its accepted write no other write can be accepted, so no update is
 *   lost, even when two holders overlap, as long as tokens do not regress.
 * - `write-check`: the read is a plain GET; the write is accepted if its token is greater
 *   than the last accepted one. Two overlapping holders that read the same value and
 *   write in token order both get in: a lost update. A negative control.
 * - `none`: accepts every write. A negative control: stale writes and lost updates.
 *
 * Tokens are decimal bigints, compared by length then digits, so they never lose
 * precision in Lua's doubles. Each register kind has its own keys.
 */
const READ_SCRIPT = `
local token = ARGV[1]
if ARGV[3] == 'kleppmann' and token ~= '' then
  local high = redis.call('GET', KEYS[2])
  if (not high) or #token > #high or (#token == #high and token > high) then
    redis.call('SET', KEYS[2], token)
    redis.call('SET', KEYS[3], ARGV[2])
  end
end
return redis.call('GET', KEYS[1]) or '0'
`;

const WRITE_SCRIPT = `
local token = ARGV[1]
local kind = ARGV[4]
if kind == 'kleppmann' then
  if token == '' or redis.call('GET', KEYS[2]) ~= token or redis.call('GET', KEYS[3]) ~= ARGV[2] then
    return {0, 0}
  end
elseif kind == 'write-check' then
  local last = redis.call('GET', KEYS[5])
  if last and (#token < #last or (#token == #last and token <= last)) then
    return {0, 0}
  end
  redis.call('SET', KEYS[5], token)
end
redis.call('SET', KEYS[1], ARGV[3])
return {1, redis.call('INCR', KEYS[4])}
`;

interface RegisterCommands {
  registerRead(value: string, high: string, owner: string, token: string, lockIdentity: string, kind: string): Promise<string>;
  registerWrite(value: string, high: string, owner: string, seq: string, last: string, token: string, lockIdentity: string, wrote: string, kind: string): Promise<[number, number]>;
}

/** The keys of one register of one resource; registers of different kinds never share state. */
export function registerKeys(resource: string, kind: RegisterKind): { value: string; high: string; owner: string; seq: string; last: string } {
  const base = `register:${kind}:${resource}`;
  return { value: `${base}:value`, high: `${base}:high`, owner: `${base}:owner`, seq: `${base}:seq`, last: `${base}:last` };
}

export interface ResourceClientOptions {
  /** The registers' Redis (the testbed's `resourceEndpoint`). */
  readonly endpoint: Endpoint;
  /** Connect timeout. @default 1000 ms */
  readonly connectTimeoutMs?: number;
}

/** What a holder presents to a register: its token ("" when it has none) and its lock's identity. */
export interface Presented {
  readonly token: string;
  readonly lockIdentity: string;
}

/** A worker's connection to the registers. */
export class ResourceClient {
  private readonly redis: Redis & RegisterCommands;

  constructor(options: ResourceClientOptions) {
    const redis = new Redis({
      host: options.endpoint.host,
      port: options.endpoint.port,
      connectTimeout: options.connectTimeoutMs ?? 1000,
      // The registers are outside the faulted network; a failure here is a harness
      // problem, so fail fast rather than queue.
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => (times > 20 ? null : 50),
    });
    redis.defineCommand('registerRead', { numberOfKeys: 3, lua: READ_SCRIPT });
    redis.defineCommand('registerWrite', { numberOfKeys: 5, lua: WRITE_SCRIPT });
    this.redis = redis as Redis & RegisterCommands;
  }

  /** The read of a read-modify-write: the counter's value (0 when never written). */
  async read(resource: string, kind: RegisterKind, presented: Presented): Promise<number> {
    const keys = registerKeys(resource, kind);
    const raw = await this.redis.registerRead(keys.value, keys.high, keys.owner, presented.token, presented.lockIdentity, kind);
    return Number(raw);
  }

  /** The write of `read + 1`, judged by the register's rule. */
  async write(resource: string, kind: RegisterKind, presented: Presented, read: number): Promise<WriteResult> {
    const keys = registerKeys(resource, kind);
    const wrote = read + 1;
    const [accepted, seq] = await this.redis.registerWrite(
      keys.value, keys.high, keys.owner, keys.seq, keys.last, presented.token, presented.lockIdentity, String(wrote), kind,
    );
    return { register: kind, accepted: accepted === 1, seq: Number(seq), fence: presented.token, read, wrote };
  }

  /** The counter's current value, without presenting anything (after the run). */
  async peek(resource: string, kind: RegisterKind): Promise<number> {
    const raw = await this.redis.get(registerKeys(resource, kind).value);
    return raw === null ? 0 : Number(raw);
  }

  async quit(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The final counter of every given resource in one register, read after the run (for lost updates). */
export async function readFinalCounters(endpoint: Endpoint, resources: readonly string[], kind: RegisterKind): Promise<Map<string, number>> {
  const client = new ResourceClient({ endpoint });
  try {
    const counters = new Map<string, number>();
    for (const resource of resources) counters.set(resource, await client.peek(resource, kind));
    return counters;
  } finally {
    await client.quit();
  }
}
