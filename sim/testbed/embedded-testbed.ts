import { Toxiproxy } from 'toxiproxy-node-client';
import { ProxiedTestbed, recreateProxies, type ProxySpec } from './proxied-testbed.js';
import { RedisServers, type Persistence } from './redis-servers.js';
import type { Testbed } from './testbed.js';
import { ToxiproxyServer } from './toxiproxy-server.js';
import { validateCounts } from './testbed-counts.js';

export interface EmbeddedTestbedOptions {
  /** Redis masters. @default 5 (1 to 15) */
  readonly nodes?: number;
  /** Client groups, each with its own proxy per node. @default 2 (1 to 8) */
  readonly groups?: number;
  /** Persistence of every node at start (the crash nemesis can change one). @default 'none' */
  readonly persistence?: Persistence;
  /**
   * Bound on each Toxiproxy API call; see Testbed.toxiproxyCallTimeoutMs. Tests that
   * provoke a hung API use a short one. @default TOXIPROXY_CALL_TIMEOUT_MS (5_000 ms; 1 to 60_000)
   */
  readonly toxiproxyCallTimeoutMs?: number;
}

/**
 * Starts N redis-server masters, one resource redis-server and one toxiproxy-server, each
 * on a loopback port it bound itself and proven to be the process spawned here, and a
 * proxy per (group, node). Every process is tracked, so it
 * dies with this process even if stop() is never called; on a failed start, whatever did
 * start is stopped before the error is thrown.
 */
export async function startEmbeddedTestbed(options: EmbeddedTestbedOptions = {}): Promise<Testbed> {
  const { nodes, groups } = validateCounts(options.nodes ?? 5, options.groups ?? 2);
  const persistence = options.persistence ?? 'none';
  const started = await Promise.allSettled([
    RedisServers.start({ count: nodes, persistence }),
    RedisServers.start({ count: 1 }),
    ToxiproxyServer.start(),
  ] as const);
  const [redisResult, resourceResult, toxiproxyResult] = started;
  const stopServers = async (): Promise<void> => {
    const stops = await Promise.allSettled([
      redisResult.status === 'fulfilled' ? redisResult.value.stop() : undefined,
      resourceResult.status === 'fulfilled' ? resourceResult.value.stop() : undefined,
      toxiproxyResult.status === 'fulfilled' ? toxiproxyResult.value.stop() : undefined,
    ]);
    const failures = stops.filter((stop): stop is PromiseRejectedResult => stop.status === 'rejected');
    if (failures.length > 0) {
      throw new AggregateError(failures.map((failure) => failure.reason), 'embedded testbed: some servers did not stop');
    }
  };
  if (redisResult.status === 'rejected' || resourceResult.status === 'rejected' || toxiproxyResult.status === 'rejected') {
    await stopServers();
    const failure = [redisResult, resourceResult, toxiproxyResult].find((result) => result.status === 'rejected');
    throw new Error('embedded testbed did not start', { cause: failure?.status === 'rejected' ? failure.reason : undefined });
  }
  const redis = redisResult.value;
  const resourceNode = resourceResult.value.node(0);
  const toxiproxyServer = toxiproxyResult.value;
  try {
    const toxiproxy = new Toxiproxy(toxiproxyServer.url);
    const specs: ProxySpec[] = [];
    for (let group = 0; group < groups; group += 1) {
      for (const node of redis.nodes) {
        // Port 0: Toxiproxy takes a free port and reports it back, so there is no race.
        specs.push({ group, node: node.index, listen: '127.0.0.1:0', upstream: node.address });
      }
    }
    const proxies = await recreateProxies(toxiproxy, specs, groups, nodes);
    return new ProxiedTestbed({
      toxiproxy,
      nodeCount: nodes,
      groupCount: groups,
      proxies,
      direct: redis.nodes.map((node) => ({ host: node.host, port: node.port })),
      resource: { host: resourceNode.host, port: resourceNode.port },
      redis,
      stopServers,
      // Same port, so the client's API URL and every proxy's listen port stay valid.
      restartToxiproxyServer: () => toxiproxyServer.restart(),
      toxiproxyPid: () => toxiproxyServer.pid,
      ...(options.toxiproxyCallTimeoutMs !== undefined ? { toxiproxyCallTimeoutMs: options.toxiproxyCallTimeoutMs } : {}),
    });
  } catch (error) {
    await stopServers();
    throw error;
  }
}
