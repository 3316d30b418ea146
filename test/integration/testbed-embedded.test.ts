import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisServers } from '../../sim/testbed/redis-servers.js';
import { probe, probePing } from '../../sim/testbed/probe.js';
import { connectExplicitTestbed, startEmbeddedTestbed, type Testbed } from '../../sim/testbed/testbed.js';
import { ToxiproxyServer } from '../../sim/testbed/toxiproxy-server.js';
import { formatEndpoint } from '../../sim/testbed/endpoint.js';

const PROBE_MS = 1_000;

describe('embedded testbed', () => {
  let testbed: Testbed | undefined;

  beforeAll(async () => {
    testbed = await startEmbeddedTestbed({ nodes: 3, groups: 2 });
  });
  afterAll(async () => {
    await testbed?.stop();
  });

  function bed(): Testbed {
    if (!testbed) throw new Error('testbed did not start');
    return testbed;
  }

  it('reaches every node through every group proxy and directly, and the resource', async () => {
    expect(bed().nodeCount).toBe(3);
    expect(bed().groupCount).toBe(2);
    const endpoints = [...bed().clientEndpoints(0), ...bed().clientEndpoints(1), ...bed().directEndpoints(), bed().resourceEndpoint];
    expect(new Set(endpoints.map(formatEndpoint)).size).toBe(3 * 2 + 3 + 1);
    for (const endpoint of endpoints) {
      expect(endpoint.host).toBe('127.0.0.1');
      expect(await probePing(endpoint, PROBE_MS)).toMatchObject({ ok: true, reply: '+PONG' });
    }
  });

  it('routes group g node n to node n', async () => {
    for (let node = 0; node < 3; node += 1) {
      const direct = bed().directEndpoints()[node]!;
      await probe(direct, ['SET', 'whoami', `node-${node}`], PROBE_MS);
    }
    for (const group of [0, 1]) {
      for (let node = 0; node < 3; node += 1) {
        const reply = await probe(bed().clientEndpoints(group)[node]!, ['GET', 'whoami'], PROBE_MS);
        expect(reply).toMatchObject({ ok: true, reply: `node-${node}` });
        expect(bed().proxy(group, node).name).toBe(`g${group}-n${node}`);
      }
    }
    const redis = new Redis({ ...bed().clientEndpoints(1)[2]!, lazyConnect: true });
    try {
      await redis.connect();
      expect(await redis.get('whoami')).toBe('node-2');
    } finally {
      redis.disconnect();
    }
  });

  it('healAll removes toxics and re-enables proxies', async () => {
    const proxy = bed().proxy(0, 1);
    await proxy.addToxic({ name: 'probe-timeout', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
    await bed().proxy(1, 0).update({ enabled: false, listen: bed().proxy(1, 0).listen, upstream: bed().proxy(1, 0).upstream });
    expect((await probePing(bed().clientEndpoints(0)[1]!, 300)).ok).toBe(false);
    expect((await probePing(bed().clientEndpoints(1)[0]!, 300)).ok).toBe(false);
    await bed().healAll();
    expect(await probePing(bed().clientEndpoints(0)[1]!, PROBE_MS)).toMatchObject({ ok: true });
    expect(await probePing(bed().clientEndpoints(1)[0]!, PROBE_MS)).toMatchObject({ ok: true });
  });

  it('flushAll empties every node and the resource', async () => {
    for (const endpoint of [...bed().directEndpoints(), bed().resourceEndpoint]) {
      await probe(endpoint, ['SET', 'leftover', '1'], PROBE_MS);
    }
    await bed().flushAll();
    for (const endpoint of [...bed().directEndpoints(), bed().resourceEndpoint]) {
      expect(await probe(endpoint, ['DBSIZE'], PROBE_MS)).toMatchObject({ ok: true, reply: ':0' });
    }
  });

  it('exposes the redis processes', () => {
    expect(bed().redis?.nodes).toHaveLength(3);
    expect(bed().redis?.nodes.every((node) => node.running)).toBe(true);
  });

  it('rejects out-of-range groups and nodes, naming them', async () => {
    expect(() => bed().clientEndpoints(2)).toThrow(/group must be an integer from 0 to 1/);
    expect(() => bed().proxy(0, 3)).toThrow(/node must be an integer from 0 to 2/);
    await expect(startEmbeddedTestbed({ nodes: 0 })).rejects.toThrow(/nodes must be an integer from 1 to 15/);
  });
});

describe('explicit testbed', () => {
  let servers: RedisServers | undefined;
  let toxiproxy: ToxiproxyServer | undefined;
  let testbed: Testbed | undefined;

  beforeAll(async () => {
    [servers, toxiproxy] = await Promise.all([RedisServers.start({ count: 3 }), ToxiproxyServer.start()]);
  });
  afterAll(async () => {
    await testbed?.stop();
    await Promise.allSettled([servers?.stop(), toxiproxy?.stop()]);
  });

  it('creates the proxies on an existing toxiproxy, idempotently, and stops nothing', async () => {
    const [a, b, c] = servers!.addresses as [string, string, string];
    const options = { redis: [a, b], resource: c, toxiproxyUrl: toxiproxy!.url, groups: 2 };
    const first = await connectExplicitTestbed(options);
    testbed = await connectExplicitTestbed(options); // again: delete-then-create, no conflict
    expect(testbed.nodeCount).toBe(2);
    for (const group of [0, 1]) {
      for (const endpoint of testbed.clientEndpoints(group)) {
        expect(await probePing(endpoint, PROBE_MS)).toMatchObject({ ok: true });
      }
    }
    expect(first.clientEndpoints(0)).not.toEqual(testbed.clientEndpoints(0));
    await testbed.stop();
    expect(servers!.nodes.every((node) => node.running)).toBe(true);
    expect(await probePing(testbed.clientEndpoints(0)[0]!, PROBE_MS)).toMatchObject({ ok: true });
  });

  it('rejects a malformed address, naming it', async () => {
    await expect(
      connectExplicitTestbed({ redis: ['127.0.0.1'], resource: '127.0.0.1:1', toxiproxyUrl: toxiproxy!.url }),
    ).rejects.toThrow(/redis\[0\] must be "host:port"/);
  });
});

describe('toxiproxy server', () => {
  it('starts on a free port, answers, and stops', async () => {
    const server = await ToxiproxyServer.start();
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const pid = server.pid!;
      expect(() => process.kill(pid, 0)).not.toThrow();
      await server.stop();
      expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      await server.stop();
    }
  });
});
