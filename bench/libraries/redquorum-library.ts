import { Redlock } from '../../src/index.js';
import { closeClients, createClients, pingAll } from './clients.js';
import type { LockLibrary } from './lock-library.js';
import type { RetryOverrides } from '../options.js';

export interface RedquorumVariant {
  /** @default 'redquorum' */
  readonly name?: 'redquorum' | 'redquorum-self' | 'redquorum-fencing';
  /** @default false */
  readonly fencing?: boolean;
}

/**
 * The library under test, given clients built exactly as node-redlock's are. Each
 * variant has its own clients, so two variants share nothing but the servers.
 */
export function createRedquorumLibrary(addresses: readonly string[], retry: RetryOverrides, notify: boolean | undefined, variant: RedquorumVariant = {}): LockLibrary {
  const clients = createClients(addresses);
  const redlock = new Redlock(clients, {
    ...retry,
    ...(notify === undefined ? {} : { releaseNotifications: notify }),
    ...(variant.fencing === true ? { fencing: true } : {}),
  });
  // The library reports failed votes as "error" events, as node-redlock does.
  redlock.on('error', () => undefined);
  return {
    name: variant.name ?? 'redquorum',
    acquire: (resources, ttlMs) => redlock.acquire(resources, ttlMs),
    ready: (timeoutMs) => pingAll(clients, timeoutMs),
    close: async () => {
      // quit() also closes the library's own connections (the release subscribers).
      await redlock.quit().catch(() => undefined);
      await closeClients(clients);
    },
  };
}
