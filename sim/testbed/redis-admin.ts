import { Redis } from 'ioredis';
import { formatEndpoint, type Endpoint } from './endpoint.js';

export interface AdminConnectionOptions {
  /** Connect and per-command timeout. @default 2_000 ms */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Opens a short-lived admin connection to one Redis (no retries, no offline queue: an
 * admin command against a dead server must fail fast, not wait for a reconnect).
 * Close it with `.disconnect()` or use `withRedis`.
 */
export async function openAdminConnection(endpoint: Endpoint, options: AdminConnectionOptions = {}): Promise<Redis> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const redis = new Redis({
    host: endpoint.host,
    port: endpoint.port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Errors reach the caller through the rejected command; this listener only keeps ioredis
  // from printing "Unhandled error event" for the same failure.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot connect to redis at ${formatEndpoint(endpoint)}`, { cause: error });
  }
  return redis;
}

/** Runs `work` on a fresh admin connection to `endpoint`, and always closes it. */
export async function withRedis<T>(
  endpoint: Endpoint,
  work: (redis: Redis) => Promise<T>,
  options: AdminConnectionOptions = {},
): Promise<T> {
  const redis = await openAdminConnection(endpoint, options);
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}
