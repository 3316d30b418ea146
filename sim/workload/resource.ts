import { Redis } from 'ioredis';
import type { WriteResult } from '../history/types.js';
import type { Endpoint } from '../testbed/endpoint.js';

/**
 * The fenced resource: a counter in its own Redis, outside the faulted network (not behind
 * Toxiproxy), so that what it accepted is the ground truth of what the lock protected.
 *
 * A write carries (token, value). In fenced mode the resource accepts it only if the
 * token is greater than the last accepted one (tokens are decimal bigints, compared by
 * length then digits, so they never lose precision in Lua's doubles). The unfenced control
 * accepts everything, which is how lost updates become visible.
 */
const WRITE_SCRIPT = `
local fenced = ARGV[3] == '1'
if fenced then
  local last = redis.call('GET', KEYS[2])
  if last then
    local token = ARGV[1]
    if #token < #last or (#token == #last and token <= last) then
      return {0, 0}
    end
  end
end
redis.call('SET', KEYS[1], ARGV[2])
if fenced then redis.call('SET', KEYS[2], ARGV[1]) end
return {1, redis.call('INCR', KEYS[3])}
`;

/** How the resource treats tokens. */
export type ResourceMode = 'fenced' | 'unfenced';

interface ResourceCommands {
  fencedWrite(valueKey: string, tokenKey: string, seqKey: string, token: string, value: string, fenced: string): Promise<[number, number]>;
}

/** The keys of one resource's state; fenced and unfenced resources never share state. */
export function resourceKeys(resource: string, mode: ResourceMode): { value: string; token: string; seq: string } {
  const base = `resource:${mode}:${resource}`;
  return { value: `${base}:value`, token: `${base}:token`, seq: `${base}:seq` };
}

export interface ResourceClientOptions {
  /** The resource's Redis (the testbed's `resourceEndpoint`). */
  readonly endpoint: Endpoint;
  /** Connect timeout. @default 1000 ms */
  readonly connectTimeoutMs?: number;
}

/** A worker's connection to the resource. */
export class ResourceClient {
  private readonly redis: Redis & ResourceCommands;

  constructor(options: ResourceClientOptions) {
    const redis = new Redis({
      host: options.endpoint.host,
      port: options.endpoint.port,
      connectTimeout: options.connectTimeoutMs ?? 1000,
      // The resource is outside the faulted network; a failure here is a harness problem,
      // so fail fast rather than queue.
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => (times > 20 ? null : 50),
    });
    redis.defineCommand('fencedWrite', { numberOfKeys: 3, lua: WRITE_SCRIPT });
    this.redis = redis as Redis & ResourceCommands;
  }

  /** The counter's current value (0 when never written). */
  async read(resource: string, mode: ResourceMode): Promise<number> {
    const raw = await this.redis.get(resourceKeys(resource, mode).value);
    return raw === null ? 0 : Number(raw);
  }

  /** One write of `read + 1` carrying `token` ("" when unfenced). */
  async write(resource: string, mode: ResourceMode, token: string, read: number): Promise<WriteResult> {
    const keys = resourceKeys(resource, mode);
    const wrote = read + 1;
    const [accepted, seq] = await this.redis.fencedWrite(
      keys.value, keys.token, keys.seq, token, String(wrote), mode === 'fenced' ? '1' : '0',
    );
    return { accepted: accepted === 1, seq: Number(seq), fence: token, read, wrote };
  }

  async quit(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The final counter of every given resource, read after the run (for lost updates). */
export async function readFinalCounters(endpoint: Endpoint, resources: readonly string[], mode: ResourceMode): Promise<Map<string, number>> {
  const client = new ResourceClient({ endpoint });
  try {
    const counters = new Map<string, number>();
    for (const resource of resources) counters.set(resource, await client.read(resource, mode));
    return counters;
  } finally {
    await client.quit();
  }
}
