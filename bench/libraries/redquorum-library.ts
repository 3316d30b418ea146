import { Redlock } from '../../src/index.js';
import { closeClients, createClients, pingAll } from './clients.js';
import type { LockLibrary } from './lock-library.js';
import type { RetryOverrides } from '../options.js';

/** The library under test, given clients built exactly as node-redlock's are. */
export function createRedquorumLibrary(addresses: readonly string[], retry: RetryOverrides, notify: boolean | undefined): LockLibrary {
  const clients = createClients(addresses);
  const redlock = new Redlock(clients, { ...retry, ...(notify === undefined ? {} : { releaseNotifications: notify }) });
  // The library reports failed votes as "error" events, as node-redlock does.
  redlock.on('error', () => undefined);
  return {
    name: 'redquorum',
    acquire: (resources, ttlMs) => redlock.acquire(resources, ttlMs),
    ready: (timeoutMs) => pingAll(clients, timeoutMs),
    close: async () => {
      // quit() also closes the library's own connections (the release subscribers).
      await redlock.quit().catch(() => undefined);
      await closeClients(clients);
    },
  };
}
