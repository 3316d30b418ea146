import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { RedisServers } from '../../../sim/testbed/redis-servers.js';
import { FENCE_KEY_PREFIX } from '../../../src/fencing.js';

/** How long a client waits between reconnects: grows per try, capped, so a restarted node is found fast. */
const RECONNECT_STEP_MS = 20;
const RECONNECT_MAX_MS = 200;
/** A client gives up reconnecting after this many tries (about a minute), so nothing retries forever. */
const RECONNECT_TRIES_MAX = 300;
/**
 * How long to poll for a released lock's keys to be gone. A release resolves at a quorum;
 * the remaining nodes' deletions land a moment later, each bounded by the release's node
 * timeout. A poll ends as soon as they have landed, so a generous bound costs nothing on a
 * quiet machine and keeps a loaded one from failing by chance.
 */
export const RELEASE_LANDS_MS = 2_000;
/** How long waitReady() waits for clients to reconnect after a restart. */
const READY_TIMEOUT_MS = 10_000;

/** Options every lock client in these tests uses (enableOfflineQueue is left at its default). */
export function lockClientOptions(port: number): RedisOptions {
  return {
    host: '127.0.0.1',
    port,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => (times > RECONNECT_TRIES_MAX ? null : Math.min(times * RECONNECT_STEP_MS, RECONNECT_MAX_MS)),
  };
}

/** N real redis-server processes, lock clients on them, and admin clients to inspect them. */
export interface ServerFixture {
  readonly servers: RedisServers;
  readonly count: number;
  /** One lock client per node, shared by the tests of the describe block. */
  readonly clients: Redis[];
  /** Every `error` event any lock client emitted (a crashed node makes some). */
  readonly clientErrors: Error[];
  /** A fresh set of lock clients (one per node), disconnected in afterAll. */
  connect(): Redis[];
  /** Keys on each node, by node index; a node that is down gives null. */
  keysByNode(): Promise<(string[] | null)[]>;
  /** Every key on every running node, as "node:key", sorted. */
  keysOnAllNodes(): Promise<string[]>;
  /** FLUSHALL on every running node. */
  flushAll(): Promise<void>;
  /** Crashes (kill -9) the given nodes. */
  crash(indexes: readonly number[]): Promise<void>;
  /** Starts every crashed node again (empty) and waits until every client is ready. */
  restartCrashed(): Promise<void>;
  /** Sum over every node of Redis's `INFO commandstats` calls, excluding INFO itself. */
  commandCalls(): Promise<number>;
  /** The admin client of one node (not used for locks). */
  admin(index: number): Redis;
}

/**
 * Starts `count` redis-server processes in beforeAll and stops them in afterAll (which
 * runs even when a test or beforeAll fails). Every client made here is disconnected
 * in afterAll too.
 */
export function withServers(count: number): ServerFixture {
  let servers: RedisServers | undefined;
  const allClients: Redis[] = [];
  const admins: Redis[] = [];
  let shared: Redis[] = [];
  const clientErrors: Error[] = [];

  const need = (): RedisServers => {
    if (!servers) throw new Error('the redis servers did not start (see beforeAll)');
    return servers;
  };

  const connect = (): Redis[] => {
    const made = need().nodes.map((node) => {
      const client = new Redis(lockClientOptions(node.port));
      client.on('error', (error: Error) => clientErrors.push(error));
      return client;
    });
    allClients.push(...made);
    return made;
  };

  const running = (index: number): boolean => need().node(index).running;

  beforeAll(async () => {
    servers = await RedisServers.start({ count });
    for (const node of servers.nodes) {
      const admin = new Redis({ host: '127.0.0.1', port: node.port, maxRetriesPerRequest: 1, retryStrategy: (times: number) => (times > RECONNECT_TRIES_MAX ? null : RECONNECT_MAX_MS) });
      admin.on('error', () => {
        // A crashed node makes its admin client reconnect; the tests look at lock clients' errors.
      });
      admins.push(admin);
    }
    shared = connect();
    await waitReady([...shared, ...admins]);
  });

  afterAll(async () => {
    for (const client of [...allClients, ...admins]) client.disconnect();
    await servers?.stop();
  });

  const fixture: ServerFixture = {
    get servers() {
      return need();
    },
    count,
    get clients() {
      return shared;
    },
    clientErrors,
    connect,
    async keysByNode() {
      return Promise.all(admins.map(async (admin, index) => (running(index) ? (await admin.keys('*')).sort() : null)));
    },
    async keysOnAllNodes() {
      const byNode = await fixture.keysByNode();
      return byNode.flatMap((keys, index) => (keys ?? []).map((key) => `${index}:${key}`)).sort();
    },
    async flushAll() {
      await Promise.all(admins.map(async (admin, index) => (running(index) ? admin.flushall() : undefined)));
    },
    async crash(indexes) {
      await Promise.all(indexes.map((index) => need().node(index).crash()));
      // ioredis sees the closed socket a moment after the process died; wait for it so
      // that the next attempt meets a client that knows its node is down.
      const ports = new Set(indexes.map((index) => need().node(index).port));
      const affected = allClients.filter((client) => ports.has(client.options.port ?? 0));
      const deadline = performance.now() + READY_TIMEOUT_MS;
      while (affected.some((client) => client.status === 'ready') && performance.now() < deadline) await sleep(5);
    },
    async restartCrashed() {
      await Promise.all(need().nodes.filter((node) => !node.running).map((node) => node.start()));
      await waitReady([...allClients.filter((client) => client.status !== 'end'), ...admins]);
    },
    async commandCalls() {
      let total = 0;
      for (const admin of admins) {
        for (const [command, calls] of Object.entries(await commandCallsOn(admin))) if (command !== 'info') total += calls;
      }
      return total;
    },
    admin(index) {
      const admin = admins[index];
      if (!admin) throw new RangeError(`node index must be from 0 to ${admins.length - 1}, got ${index}`);
      return admin;
    },
  };
  return fixture;
}

/** Registers an afterEach that resumes paused nodes, restarts crashed ones and empties every node. */
export function resetAfterEach(fixture: ServerFixture): void {
  afterEach(async () => {
    for (const node of fixture.servers.nodes) node.resume();
    await fixture.restartCrashed();
    await fixture.flushAll();
  });
}

/** Waits until every client is `ready`, at most READY_TIMEOUT_MS. */
export async function waitReady(clients: readonly Redis[], timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (clients.some((client) => client.status !== 'ready')) {
    if (performance.now() > deadline) {
      const states = clients.map((client) => `${client.options.port}:${client.status}`).join(', ');
      throw new Error(`clients not ready within ${timeoutMs} ms: ${states}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Lock keys only (not fencing counters), as "node:key". */
/** Calls of each command on one node since its last CONFIG RESETSTAT, from INFO commandstats (scripts' own commands included). */
export async function commandCallsOn(admin: Redis): Promise<Record<string, number>> {
  const calls: Record<string, number> = {};
  for (const match of (await admin.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1] ?? ''] = Number(match[2]);
  return calls;
}

export function lockKeys(keys: readonly string[]): string[] {
  return keys.filter((key) => !key.slice(key.indexOf(':') + 1).startsWith(FENCE_KEY_PREFIX));
}

/**
 * Waits until the lock keys on every node ("<node>:<key>", sorted; fence counters left out)
 * are `expected`, for at most RELEASE_LANDS_MS: a release or a take-back resolves before
 * its last nodes' deletions have landed.
 */
export async function lockKeysSettle(fx: { keysOnAllNodes(): Promise<string[]> }, expected: readonly string[]): Promise<void> {
  await expect.poll(async () => lockKeys(await fx.keysOnAllNodes()), { timeout: RELEASE_LANDS_MS, interval: 5 }).toEqual(expected);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
