import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServers } from '../../sim/testbed/redis-servers.js';
import type { NodeClient } from '../../src/clients/node-client.js';
import { NodeRedisClient, isNodeRedisClient, type NodeRedisLike } from '../../src/clients/node-redis.js';
import { ACQUIRE, RELEASE, type Script } from '../../src/scripts.js';
import { ClusterServers } from './helpers/cluster.js';

// The node-redis adapter on its own, against real redis-servers, for every major the
// package supports (npm aliases in devDependencies): replies, the EVAL fallback, the
// driver's own errors, readiness, cluster routing and the subscriber.
const require = createRequire(import.meta.url);
interface NodeRedisModule {
  createClient(options: unknown): NodeRedisLike & { connect(): Promise<unknown>; quit(): Promise<unknown>; sendCommand(args: string[]): Promise<unknown> };
  createCluster(options: unknown): NodeRedisLike & { connect(): Promise<unknown>; quit(): Promise<unknown> };
}
export const NODE_REDIS_VERSIONS = ['redis4', 'redis5', 'redis'] as const;

const script = (name: string, lua: string): Script => ({ name, lua, sha: createHash('sha1').update(lua).digest('hex') });

function need(value: RedisServers | undefined): RedisServers {
  if (!value) throw new Error('the redis servers did not start (see beforeAll)');
  return value;
}

function run(client: NodeClient, script: Script, keys: string[], args: string[]): Promise<{ error: Error | null; reply?: unknown }> {
  return new Promise((resolve) => client.runScript(script, keys, args, (error, reply) => resolve({ error, reply })));
}

/** Each version's own servers: one node and a one-master Redis Cluster. */
interface Servers {
  readonly servers: RedisServers;
  readonly clusters: ClusterServers;
}

async function startServers(): Promise<Servers> {
  const [servers, clusters] = await Promise.allSettled([RedisServers.start({ count: 1 }), ClusterServers.start(1)]);
  if (servers.status === 'fulfilled' && clusters.status === 'fulfilled') return { servers: servers.value, clusters: clusters.value };
  if (servers.status === 'fulfilled') await servers.value.stop();
  if (clusters.status === 'fulfilled') await clusters.value.stop();
  throw servers.status === 'rejected' ? servers.reason : (clusters as PromiseRejectedResult).reason;
}

// A cluster-enabled redis-server accepts writes only 2 s after it started (Redis's own
// delay before a master turns its cluster state ok), so every version's servers are
// started at once, here, rather than one version after another.
const started = new Map<string, Promise<Servers>>();
beforeAll(() => {
  for (const moduleName of NODE_REDIS_VERSIONS) {
    const starting = startServers();
    // Awaited by the version's own beforeAll; this keeps a failure from being unhandled meanwhile.
    starting.catch(() => undefined);
    started.set(moduleName, starting);
  }
});
afterAll(async () => {
  await Promise.all([...started.values()].map((starting) => starting.then(({ servers, clusters }) => Promise.all([servers.stop(), clusters.stop()]), () => undefined)));
});

describe.each(NODE_REDIS_VERSIONS)('node-redis adapter (%s)', (moduleName) => {
  const redis = require(moduleName) as NodeRedisModule;
  const version = (require(`${moduleName}/package.json`) as { version: string }).version;
  let servers: RedisServers | undefined;
  let clusters: ClusterServers | undefined;
  const opened: { quit(): Promise<unknown>; isOpen: boolean }[] = [];

  // The subscriber is a duplicate: it reconnects as the client it was made from does.
  const connect = async (reconnect = false): Promise<ReturnType<NodeRedisModule['createClient']>> => {
    const port = servers?.nodes[0]?.port;
    const client = redis.createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: reconnect ? () => 20 : false } });
    client.on('error', () => {
      // Read through the adapter's `ready` and the commands' own errors.
    });
    opened.push(client);
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    const starting = started.get(moduleName);
    if (!starting) throw new Error(`no servers were started for ${moduleName}`);
    ({ servers, clusters } = await starting);
  });
  afterAll(async () => {
    // The servers are stopped by the file's afterAll, after every version's clients quit.
    await Promise.all(opened.filter((client) => client.isOpen).map((client) => client.quit()));
  });

  it(`is told apart from ioredis by shape alone (v${version})`, async () => {
    const client = await connect();
    expect(isNodeRedisClient(client)).toBe(true);
    const ioredis = new Redis({ lazyConnect: true });
    expect(isNodeRedisClient(ioredis)).toBe(false);
    expect(isNodeRedisClient({ isOpen: true })).toBe(false);
    expect(isNodeRedisClient(null)).toBe(false);
  });

  it('runs a script the server has not cached (NOSCRIPT, then EVAL), and its replies are the lock protocol', async () => {
    const client = await connect();
    await client.sendCommand(['SCRIPT', 'FLUSH']);
    const node = new NodeRedisClient(client);
    expect(node.ready).toBe(true);
    expect(node.cluster).toBe(false);
    expect(node.address).toBe(servers?.nodes[0]?.address);
    expect(await run(node, ACQUIRE, ['adapter:a'], ['v1', '10000', '1'])).toEqual({ error: null, reply: [1, '0'] });
    expect(await run(node, ACQUIRE, ['adapter:a'], ['v2', '10000', '1'])).toEqual({ error: null, reply: [0, 1] });
    expect(await run(node, RELEASE, ['adapter:a'], ['v1', '0'])).toEqual({ error: null, reply: 1 });
    expect(await client.sendCommand(['EXISTS', 'adapter:a'])).toBe(0);
  });

  it("hands on the driver's own error object", async () => {
    const client = await connect();
    const node = new NodeRedisClient(client);
    const { error } = await run(node, script('broken', "return redis.call('NO-SUCH-COMMAND')"), [], []);
    expect(error).toBeInstanceOf(Error);
    // node-redis's reply error class (ErrorReply in v4, SimpleError in v5 and v6), not a wrapper.
    expect(['ErrorReply', 'SimpleError']).toContain(error?.constructor.name);
    expect(error?.message).toMatch(/Unknown Redis command/);
  });

  it('is not ready before connect() and after quit(), and then fails at once', async () => {
    const port = servers?.nodes[0]?.port;
    const client = redis.createClient({ socket: { host: '127.0.0.1', port } });
    const node = new NodeRedisClient(client);
    expect(node.ready).toBe(false);
    await client.connect();
    expect(node.ready).toBe(true);
    await client.quit();
    expect(node.ready).toBe(false);
    const { error } = await run(node, ACQUIRE, ['adapter:closed'], ['v', '1000', '1']);
    expect(error?.constructor.name).toBe('ClientClosedError');
  });

  it('opens a subscriber only when asked, subscribes once ready, again after its node restarts, and closes at once', async () => {
    const client = await connect(true);
    const node = new NodeRedisClient(client);
    const subscribers = async (): Promise<number> => Number(((await client.sendCommand(['PUBSUB', 'NUMSUB', 'adapter:chan'])) as unknown[])[1]);
    expect(await subscribers()).toBe(0);
    const messages: string[] = [];
    const errors: Error[] = [];
    const subscriber = node.subscriber({ message: (channel) => messages.push(channel), error: (error) => errors.push(error) });
    await subscriber.subscribe('adapter:chan');
    await expect.poll(subscribers, { timeout: 2_000, interval: 10 }).toBe(1);
    await client.sendCommand(['PUBLISH', 'adapter:chan', '1']);
    await expect.poll(() => messages, { timeout: 2_000, interval: 10 }).toEqual(['adapter:chan']);

    // The node restarts empty: the wanted channel is subscribed again on the new connection.
    const server = need(servers).node(0);
    await server.restart();
    const admin = redis.createClient({ socket: { host: '127.0.0.1', port: server.port } });
    admin.on('error', () => undefined);
    opened.push(admin);
    await admin.connect();
    const subscribersAfter = async (): Promise<number> => Number(((await admin.sendCommand(['PUBSUB', 'NUMSUB', 'adapter:chan'])) as unknown[])[1]);
    await expect.poll(subscribersAfter, { timeout: 5_000, interval: 20 }).toBe(1);
    await admin.sendCommand(['PUBLISH', 'adapter:chan', '1']);
    await expect.poll(() => messages.length, { timeout: 2_000, interval: 10 }).toBe(2);

    await subscriber.unsubscribe('adapter:chan');
    await expect.poll(subscribersAfter, { timeout: 2_000, interval: 10 }).toBe(0);
    const connections = async (): Promise<number> => ((await admin.sendCommand(['CLIENT', 'LIST'])) as string).trim().split('\n').length;
    const before = await connections();
    subscriber.close();
    // The subscriber's connection is gone.
    await expect.poll(connections, { timeout: 2_000, interval: 10 }).toBe(before - 1);
    // Errors of the lost connection are reported, not thrown.
    for (const error of errors) expect(error).toBeInstanceOf(Error);
  });

  it('routes a script to the slot of its keys on a cluster client', async () => {
    const port = clusters?.ports[0];
    const cluster = redis.createCluster({ rootNodes: [{ url: `redis://127.0.0.1:${port}` }] });
    cluster.on('error', () => undefined);
    opened.push(cluster);
    await cluster.connect();
    const node = new NodeRedisClient(cluster);
    expect(node.cluster).toBe(true);
    expect(node.ready).toBe(true);
    // v4 keeps a cluster's options private: its address is then the master it found.
    expect(node.address).toMatch(new RegExp(`^(127\\.0\\.0\\.1|localhost):${port}$`));
    expect(await run(node, ACQUIRE, ['{adapter}:a', '{adapter}:b'], ['v1', '10000', '2'])).toEqual({ error: null, reply: [1, '0'] });
    expect(await run(node, RELEASE, ['{adapter}:a', '{adapter}:b'], ['v1', '0'])).toEqual({ error: null, reply: 2 });
    // Keys of two slots in one script: the server's own CROSSSLOT error comes back.
    const { error } = await run(node, ACQUIRE, ['adapter:x', 'adapter:y'], ['v1', '10000', '2']);
    expect(error?.message).toMatch(/CROSSSLOT/);
  });
});
