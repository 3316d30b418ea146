import type { Client } from './types.js';

/**
 * The longest lock duration accepted: Redis's `PX` takes up to about 9.2e18 ms, but
 * JavaScript numbers are exact integers only up to Number.MAX_SAFE_INTEGER.
 */
export const DURATION_MAX_MS = Number.MAX_SAFE_INTEGER;

/** node-redlock v5's words for a bad duration, kept so that callers matching them still do. */
export const DURATION_MESSAGE = 'Duration must be an integer value in milliseconds.';

/**
 * The message is v5's exact text (v5 code compares it); the argument, its allowed range
 * and the value given are in the error's `cause`.
 */
export function checkDuration(duration: unknown, argument = 'duration'): number {
  if (typeof duration !== 'number') {
    throw new TypeError(DURATION_MESSAGE, { cause: new TypeError(`${argument} must be an integer from 1 to ${DURATION_MAX_MS} (ms), got ${typeof duration}`) });
  }
  if (!Number.isInteger(duration) || duration < 1 || duration > DURATION_MAX_MS) {
    throw new RangeError(DURATION_MESSAGE, { cause: new RangeError(`${argument} must be an integer from 1 to ${DURATION_MAX_MS} (ms), got ${duration}`) });
  }
  return duration;
}

/** Resources: a non-empty array of distinct, non-empty strings. */
export function checkResources(resources: unknown): string[] {
  if (!Array.isArray(resources)) {
    throw new TypeError(`resources must be an array of 1 or more non-empty strings, got ${resources === null ? 'null' : typeof resources}`);
  }
  if (resources.length === 0) throw new RangeError('resources must hold 1 or more non-empty strings, got an empty array');
  const seen = new Set<string>();
  resources.forEach((resource: unknown, index) => {
    if (typeof resource !== 'string') throw new TypeError(`resources[${index}] must be a non-empty string, got ${typeof resource}`);
    if (resource.length === 0) throw new RangeError(`resources[${index}] must be a non-empty string, got ""`);
    if (seen.has(resource)) throw new RangeError(`resources[${index}] must be distinct, but ${JSON.stringify(resource)} appears twice`);
    seen.add(resource);
  });
  return [...resources] as string[];
}

/**
 * Clients: 1 or more distinct client objects, each one independent master (which
 * driver each is, is told by adaptClient, which names a client it cannot use).
 */
export function checkClients(clients: unknown): Client[] {
  if (clients === null || typeof clients !== 'object' || !(Symbol.iterator in clients)) {
    throw new TypeError('clients must be an iterable of 1 or more Redis clients');
  }
  const unique = [...new Set(clients as Iterable<unknown>)];
  if (unique.length === 0) throw new RangeError('Redlock must be instantiated with at least one redis client. (clients: got 0; allowed: 1 or more)');
  return unique as Client[];
}
