import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAndWait, track } from '../../sim/testbed/child-processes.js';
import { describePortHolder, ownsListeningPort, portHolders } from '../../sim/testbed/port-owner.js';
import { probe } from '../../sim/testbed/probe.js';
import { ProxiedTestbed, recreateProxies } from '../../sim/testbed/proxied-testbed.js';
import { RedisServers } from '../../sim/testbed/redis-servers.js';
import { PortTakenError } from '../../sim/testbed/server-start-errors.js';
import { findTool } from '../../sim/testbed/tools.js';
import { ToxiproxyServer } from '../../sim/testbed/toxiproxy-server.js';

// Servers own their ports: a start is proven to be the child spawned here, and a port
// someone else holds is an error that names the holder, found fast (not by a timeout).
const linux = process.platform === 'linux';
// A taken port is seen from the child's own bind error, in well under the 10 s ready bound.
const TAKEN_SEEN_MS_MAX = 5_000;

const blockers: Server[] = [];
const accepted: Socket[] = [];
const children: ChildProcess[] = [];

/**
 * Listens on `port` from this test process: the holder a restart must name. It accepts
 * and never answers, like a stuck server; its connections are read so that they end when
 * the other side closes (an unread socket never sees the end, and close() would wait);
 * a client that never closes (an HTTP call left behind) is cut in afterEach.
 */
async function block(port: number): Promise<void> {
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.resume();
  });
  blockers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

afterEach(async () => {
  for (const socket of accepted.splice(0)) socket.destroy();
  await Promise.all(blockers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all(children.splice(0).map((child) => killAndWait(child)));
});

describe.runIf(linux)('port-owner (/proc)', () => {
  it('tells which process listens on a port, and that others do not', async () => {
    await block(0);
    const address = blockers[0]!.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    expect(ownsListeningPort(process.pid, address.port)).toBe(true);
    expect(ownsListeningPort(process.ppid, address.port)).toBe(false);
    expect(portHolders(address.port).map((holder) => holder.pid)).toEqual([process.pid]);
    expect(describePortHolder(address.port)).toMatch(new RegExp(`^held by pid ${process.pid} \\(.*node`));
    await new Promise((resolve) => blockers[0]!.close(resolve));
    expect(ownsListeningPort(process.pid, address.port)).toBe(false);
    expect(describePortHolder(address.port)).toBe('no process listens on it now');
  });
});

describe('redis-server nodes', () => {
  let servers: RedisServers | undefined;
  beforeAll(async () => {
    servers = await RedisServers.start({ count: 5 });
  });
  afterAll(async () => {
    await servers?.stop();
  });
  const bed = (): RedisServers => {
    if (!servers) throw new Error('servers did not start');
    return servers;
  };

  it('are five distinct processes, each answering on its own port with its own pid', async () => {
    const pids = bed().nodes.map((node) => node.pid);
    expect(new Set(pids).size).toBe(5);
    expect(new Set(bed().nodes.map((node) => node.port)).size).toBe(5);
    for (const node of bed().nodes) {
      const info = await probe({ host: node.host, port: node.port }, ['INFO', 'server'], 2_000);
      expect(info.ok && /^process_id:(\d+)/m.exec(info.reply)?.[1]).toBe(String(node.pid));
      if (linux) expect(ownsListeningPort(node.pid!, node.port)).toBe(true);
    }
  });

  it.runIf(linux)('a restart on a port another process took fails at once, naming the holder, and works once it is free', async () => {
    const node = bed().node(1);
    await node.crash();
    await block(node.port);
    const started = performance.now();
    const error = await node.start().then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortTakenError);
    expect(String(error)).toMatch(new RegExp(`redis node 1 could not listen on 127\\.0\\.0\\.1:${node.port}: the port is taken, held by pid ${process.pid} \\(`));
    // The child's own words are in the error.
    expect(String(error)).toMatch(/Address already in use/);
    expect(performance.now() - started).toBeLessThan(TAKEN_SEEN_MS_MAX);
    expect(node.running).toBe(false);
    await new Promise((resolve) => blockers.pop()!.close(resolve));
    await node.start();
    expect(node.running).toBe(true);
  });

  it('a restart whose port another redis-server answers on is refused: a PONG from someone else is not our node', async () => {
    const node = bed().node(2);
    await node.crash();
    const other = spawn(findTool('redis-server'), ['--port', String(node.port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'], { stdio: 'ignore' });
    track(other);
    children.push(other);
    // Wait until the other server answers on the port.
    const deadline = performance.now() + 5_000;
    while (!(await probe({ host: node.host, port: node.port }, ['PING'], 500)).ok && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const error = await node.start().then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortTakenError);
    expect(String(error)).toMatch(linux ? new RegExp(`held by pid ${other.pid} \\(.*redis-server`) : /the port is taken/);
    expect(node.running).toBe(false);
    await killAndWait(other);
    await node.start();
    expect(node.running).toBe(true);
  });

  it('a port is never shared: toxiproxy-server asked for a node\'s port fails at once, naming the redis-server', async () => {
    const node = bed().node(0);
    const started = performance.now();
    const error = await ToxiproxyServer.start({ port: node.port }).then((server) => server.stop(), (caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortTakenError);
    expect(String(error)).toMatch(/toxiproxy-server could not listen/);
    expect(String(error)).toMatch(/address already in use/);
    if (linux) expect(String(error)).toMatch(new RegExp(`held by pid ${node.pid} \\(.*redis-server`));
    expect(performance.now() - started).toBeLessThan(TAKEN_SEEN_MS_MAX);
  });
});

describe('toxiproxy-server', () => {
  it('restarts on its own port, and a port taken meanwhile fails loudly, naming the holder, never a silent move', async () => {
    const server = await ToxiproxyServer.start();
    try {
      if (linux) expect(ownsListeningPort(server.pid!, server.port)).toBe(true);
      await server.restart();
      if (linux) expect(ownsListeningPort(server.pid!, server.port)).toBe(true);
      const pid = server.pid!;
      process.kill(pid, 'SIGKILL');
      while (ownsListeningPort(pid, server.port) === true) await new Promise((resolve) => setTimeout(resolve, 10));
      await block(server.port);
      const error = await server.restart().then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(PortTakenError);
      if (linux) expect(String(error)).toMatch(new RegExp(`toxiproxy-server could not listen on 127\\.0\\.0\\.1:${server.port}: the port is taken, held by pid ${process.pid} `));
      expect(server.port).toBe((error as PortTakenError).port);
    } finally {
      await server.stop();
    }
  });

  it.runIf(linux)('a proxy whose listen port was taken during a restart is an error naming the holder', async () => {
    const redis = await RedisServers.start({ count: 1 });
    const server = await ToxiproxyServer.start();
    try {
      const toxiproxy = new Toxiproxy(server.url);
      const proxies = await recreateProxies(toxiproxy, [{ group: 0, node: 0, listen: '127.0.0.1:0', upstream: redis.node(0).address }], 1, 1);
      const listenPort = Number(proxies[0]![0]!.listen.split(':').pop());
      const testbed = new ProxiedTestbed({
        toxiproxy,
        nodeCount: 1,
        groupCount: 1,
        proxies,
        direct: [{ host: '127.0.0.1', port: redis.node(0).port }],
        resource: { host: '127.0.0.1', port: redis.node(0).port },
        // The proxy's port is taken between the server's restart and the proxy's re-creation.
        restartToxiproxyServer: async () => {
          await server.restart();
          await block(listenPort);
        },
        toxiproxyPid: () => server.pid,
        toxiproxyCallTimeoutMs: 2_000,
      });
      await expect(testbed.restartToxiproxy()).rejects.toThrow(
        new RegExp(`could not listen again on ${listenPort} \\(held by pid ${process.pid} `),
      );
    } finally {
      await server.stop();
      await redis.stop();
    }
  });
});
