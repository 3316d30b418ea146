import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Redlock } from '../../src/index.js';
import { rejection } from './helpers/outcomes.js';
import { commandCallsOn, lockClientOptions, resetAfterEach, sleep, waitReady, withServers } from './helpers/servers.js';

const TTL_MS = 10_000;
const WAITS = 200;

/** Calls of one command on one node, from INFO commandstats. */
async function calls(admin: Redis, command: string): Promise<number> {
  return (await commandCallsOn(admin))[command] ?? 0;
}

// Issue: while a node was down, with maxRetriesPerRequest: null, every wait queued one
// more SUBSCRIBE (and UNSUBSCRIBE) on its subscriber, without bound.
describe('the release subscriber of a node that is down', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  it('queues nothing while the node is down, and subscribes the wanted channels in one command once it is back', async () => {
    const holder = new Redlock(fx.clients, { retryCount: 0 });
    const clients = fx.servers.nodes.map((node) => new Redis({ ...lockClientOptions(node.port), maxRetriesPerRequest: null }));
    for (const client of clients) client.on('error', () => undefined);
    try {
      await waitReady(clients);
      const redlock = new Redlock(clients, { releaseNotifications: true, retryCount: 1, retryDelay: 5, retryJitter: 0 });
      redlock.on('error', () => undefined);
      const held = await Promise.all(Array.from({ length: WAITS }, (_, index) => holder.acquire([`down-${index}`], TTL_MS)));
      await fx.crash([2]);
      // Each failed acquire waits once for a release of its own resource.
      for (let index = 0; index < WAITS; index += 1) await rejection(redlock.acquire([`down-${index}`], TTL_MS));
      await fx.restartCrashed();
      await waitReady(clients);
      await sleep(500);
      const subscribes = await calls(fx.admin(2), 'subscribe');
      console.log(`SUBSCRIBE commands on the restarted node after ${WAITS} waits while it was down: ${subscribes}`);
      expect(subscribes).toBeLessThanOrEqual(2);
      await Promise.all(held.map((lock) => lock.release()));
      await redlock.quit();
    } finally {
      for (const client of clients) client.disconnect();
    }
  });
});
