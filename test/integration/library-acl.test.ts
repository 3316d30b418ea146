import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Redlock } from '../../src/index.js';
import { lockClientOptions, resetAfterEach, waitReady, withServers, lockKeysSettle } from './helpers/servers.js';

const TTL_MS = 10_000;
const USER = 'locker';
const PASSWORD = 'locker-password';

/** Calls of one command on one node, from INFO commandstats. */
async function calls(admin: Redis, command: string): Promise<number> {
  const info = await admin.info('commandstats');
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
}

// Redis 7's default `acl-pubsub-default resetchannels`: a user with every command and
// every key, but no channel. Such a user must be able to lock, extend and release.
describe('a Redis user without pub/sub rights', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  function lockerClients(): Redis[] {
    const clients = fx.servers.nodes.map((node) => new Redis({ ...lockClientOptions(node.port), username: USER, password: PASSWORD }));
    for (const client of clients) client.on('error', () => undefined);
    return clients;
  }

  it('acquires, extends, releases and uses locks, and nothing PUBLISHes', async () => {
    for (let index = 0; index < 3; index += 1) {
      await fx.admin(index).call('ACL', 'SETUSER', USER, 'reset', 'on', `>${PASSWORD}`, '~*', '+@all');
    }
    const clients = lockerClients();
    try {
      await waitReady(clients);
      // The user really lacks channel rights: a PUBLISH of its own is refused.
      await expect(clients[0]!.publish('redquorum:released:probe', '1')).rejects.toThrow(/NOPERM/);
      const publishesBefore = await calls(fx.admin(0), 'publish');
      const redlock = new Redlock(clients, { retryCount: 0 });
      const errors: Error[] = [];
      redlock.on('error', (error: Error) => errors.push(error));

      const lock = await redlock.acquire(['acl'], TTL_MS);
      const extended = await lock.extend(TTL_MS);
      const startMs = performance.now();
      await extended.release();
      const releaseMs = performance.now() - startMs;
      await redlock.using(['acl-using'], TTL_MS, async () => 'done');

      expect(errors.map((error) => error.message)).toEqual([]);
      // A release resolves at a quorum; the last nodes' deletions land a moment later.
      await lockKeysSettle(fx, []);
      expect(await calls(fx.admin(0), 'publish')).toBe(publishesBefore);
      console.log(`release by a user without channel rights: ${releaseMs.toFixed(1)} ms`);
    } finally {
      for (const client of clients) client.disconnect();
    }
  });
});
