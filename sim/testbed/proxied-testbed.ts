import type { Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { parseEndpoint, type Endpoint } from './endpoint.js';
import { describePortHolder, ownsListeningPort } from './port-owner.js';
import { proxyName } from './proxy-names.js';
import { withRedis } from './redis-admin.js';
import type { RedisServers } from './redis-servers.js';
import type { Testbed } from './testbed.js';
import { PortTakenError } from './server-start-errors.js';
import { toxiproxyCall, TOXIPROXY_CALL_TIMEOUT_MS, TOXIPROXY_CALL_TIMEOUT_MS_MAX } from './toxiproxy-call.js';

/** One proxy to create: group `group`'s path to node `node`. */
export interface ProxySpec {
  readonly group: number;
  readonly node: number;
  /** Where Toxiproxy listens, e.g. "127.0.0.1:0" (any free port) or "0.0.0.0:18001". */
  readonly listen: string;
  /** The node's address as Toxiproxy sees it, e.g. "127.0.0.1:6379" or "redis1:6379". */
  readonly upstream: string;
}

export interface ProxiedTestbedParts {
  readonly toxiproxy: Toxiproxy;
  readonly nodeCount: number;
  readonly groupCount: number;
  /** proxies[group][node]. */
  readonly proxies: readonly (readonly Proxy[])[];
  /** Overrides where clients reach a proxy (compose publishes container ports on the host). */
  readonly clientHost?: string;
  readonly direct: readonly Endpoint[];
  readonly resource: Endpoint;
  readonly redis?: RedisServers;
  /** Stops what this testbed started. */
  readonly stopServers?: () => Promise<void>;
  /**
   * Kills toxiproxy-server and starts it again on the same API port (empty): only a
   * testbed that runs the server itself can. See Testbed.restartToxiproxy.
   */
  readonly restartToxiproxyServer?: () => Promise<void>;
  /** The toxiproxy-server process id, when this testbed runs it. */
  readonly toxiproxyPid?: () => number | undefined;
  /** See Testbed.toxiproxyCallTimeoutMs. @default TOXIPROXY_CALL_TIMEOUT_MS (5_000 ms; 1 to 60_000) */
  readonly toxiproxyCallTimeoutMs?: number;
}

// Recreating every proxy is one call per proxy; they are created in parallel, so the
// whole costs about two calls (list, then create).
const RECREATE_CALLS = 2;

/**
 * The Testbed every flavour shares: the flavours differ only in who starts the servers
 * and where the proxies listen.
 */
export class ProxiedTestbed implements Testbed {
  readonly nodeCount: number;
  readonly groupCount: number;
  readonly resourceEndpoint: Endpoint;
  readonly redis?: RedisServers;
  readonly canRestartToxiproxy: boolean;
  readonly toxiproxyCallTimeoutMs: number;
  private readonly clients: readonly (readonly Endpoint[])[];
  private proxies: readonly (readonly Proxy[])[];
  private restarts = 0;
  private restarting: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly parts: ProxiedTestbedParts) {
    this.nodeCount = parts.nodeCount;
    this.groupCount = parts.groupCount;
    this.resourceEndpoint = parts.resource;
    if (parts.redis) this.redis = parts.redis;
    this.canRestartToxiproxy = parts.restartToxiproxyServer !== undefined;
    const callTimeoutMs = parts.toxiproxyCallTimeoutMs ?? TOXIPROXY_CALL_TIMEOUT_MS;
    if (!Number.isInteger(callTimeoutMs) || callTimeoutMs < 1 || callTimeoutMs > TOXIPROXY_CALL_TIMEOUT_MS_MAX) {
      throw new RangeError(`toxiproxyCallTimeoutMs must be an integer from 1 to ${TOXIPROXY_CALL_TIMEOUT_MS_MAX} ms, got ${String(callTimeoutMs)}`);
    }
    this.toxiproxyCallTimeoutMs = callTimeoutMs;
    this.proxies = parts.proxies;
    this.clients = parts.proxies.map((row) => row.map((proxy) => clientEndpointOf(proxy, parts.clientHost)));
  }

  get toxiproxyPid(): number | undefined {
    return this.parts.toxiproxyPid?.();
  }

  get toxiproxyRestarts(): number {
    return this.restarts;
  }

  /**
   * Restarts toxiproxy-server on its port and recreates every proxy on the listen port it
   * had, so clients reconnect to the same endpoints; the new proxies have no toxics. A
   * listen port taken meanwhile is an error naming its holder (a proxy never moves: its
   * clients point at it). Concurrent callers share one restart.
   */
  restartToxiproxy(): Promise<void> {
    const restartServer = this.parts.restartToxiproxyServer;
    if (!restartServer) {
      return Promise.reject(new Error('only a testbed that runs its own toxiproxy-server (embedded) can restart it'));
    }
    this.restarting ??= (async () => {
      const specs: ProxySpec[] = this.proxies.flatMap((row, group) =>
        row.map((proxy, node) => ({ group, node, listen: proxy.listen, upstream: proxy.upstream })),
      );
      await restartServer();
      try {
        this.proxies = await toxiproxyCall(
          'recreate every proxy',
          () => recreateProxies(this.parts.toxiproxy, specs, this.groupCount, this.nodeCount),
          RECREATE_CALLS * this.toxiproxyCallTimeoutMs,
        );
      } catch (error) {
        throw this.takenProxyPorts(specs, error) ?? error;
      }
      this.restarts += 1;
    })().finally(() => {
      this.restarting = undefined;
    });
    return this.restarting;
  }

  /**
   * When recreating proxies failed because listen ports are held by another process than
   * toxiproxy-server, an error naming each holder (the original error as its cause).
   */
  private takenProxyPorts(specs: readonly ProxySpec[], error: unknown): Error | undefined {
    const pid = this.parts.toxiproxyPid?.();
    if (pid === undefined) return undefined;
    const taken = specs
      .map((spec) => ({ spec, port: parseEndpoint(spec.listen, `proxy ${proxyName(spec.group, spec.node)} listen`).port }))
      .filter(({ port }) => port !== 0 && ownsListeningPort(pid, port) === false)
      .map(({ spec, port }) => new PortTakenError(`proxy ${proxyName(spec.group, spec.node)}`, port, describePortHolder(port), ''));
    if (taken.length === 0) return undefined;
    return new AggregateError(taken, `toxiproxy-server restarted, but could not listen again on ${taken.map((e) => `${e.port} (${e.holder})`).join(', ')}`, { cause: error });
  }

  clientEndpoints(group: number): Endpoint[] {
    return [...this.groupRow(this.clients, group)];
  }

  directEndpoints(): Endpoint[] {
    return [...this.parts.direct];
  }

  proxy(group: number, node: number): Proxy {
    const proxy = this.groupRow(this.proxies, group)[node];
    if (!Number.isInteger(node) || proxy === undefined) {
      throw new RangeError(`node must be an integer from 0 to ${this.nodeCount - 1}, got ${String(node)}`);
    }
    return proxy;
  }

  async healAll(): Promise<void> {
    await toxiproxyCall('reset (remove every toxic)', () => this.parts.toxiproxy.reset(), this.toxiproxyCallTimeoutMs);
  }

  async flushAll(): Promise<void> {
    await Promise.all(
      [...this.parts.direct, this.parts.resource].map((endpoint) => withRedis(endpoint, (redis) => redis.flushall())),
    );
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.parts.stopServers?.();
  }

  private groupRow<T>(rows: readonly (readonly T[])[], group: number): readonly T[] {
    const row = rows[group];
    if (!Number.isInteger(group) || row === undefined) {
      throw new RangeError(`group must be an integer from 0 to ${this.groupCount - 1}, got ${String(group)}`);
    }
    return row;
  }
}

/**
 * Makes each spec's proxy exist exactly as specified, without toxics: an existing proxy of
 * the same name is deleted first (a proxy listening on port 0 gets a new port each time,
 * so "populate" could not tell it is unchanged). Returns proxies[group][node].
 */
export async function recreateProxies(
  toxiproxy: Toxiproxy,
  specs: readonly ProxySpec[],
  groupCount: number,
  nodeCount: number,
): Promise<Proxy[][]> {
  const existing = await toxiproxy.getAll();
  await Promise.all(
    specs.map((spec) => existing[proxyName(spec.group, spec.node)]?.remove() ?? Promise.resolve()),
  );
  const created = await Promise.all(
    specs.map((spec) =>
      toxiproxy.createProxy({ name: proxyName(spec.group, spec.node), listen: spec.listen, upstream: spec.upstream }),
    ),
  );
  return arrange(specs, created, groupCount, nodeCount);
}

/** Lays out proxies (in spec order) as proxies[group][node], checking every slot is filled. */
export function arrange(
  specs: readonly ProxySpec[],
  proxies: readonly Proxy[],
  groupCount: number,
  nodeCount: number,
): Proxy[][] {
  const rows: (Proxy | undefined)[][] = Array.from({ length: groupCount }, () => new Array<Proxy | undefined>(nodeCount));
  specs.forEach((spec, index) => {
    const row = rows[spec.group];
    if (row) row[spec.node] = proxies[index];
  });
  return rows.map((row, group) =>
    Array.from({ length: nodeCount }, (_, node) => {
      const proxy = row[node];
      if (!proxy) throw new Error(`proxy ${proxyName(group, node)} was not created`);
      return proxy;
    }),
  );
}

/** Where a client reaches a proxy: its listen address, with a wildcard host made concrete. */
function clientEndpointOf(proxy: Proxy, clientHost: string | undefined): Endpoint {
  const listen = parseEndpoint(proxy.listen, `proxy ${proxy.name} listen`);
  const wildcard = listen.host === '0.0.0.0' || listen.host === '::' || listen.host === '';
  return { host: clientHost ?? (wildcard ? '127.0.0.1' : listen.host), port: listen.port };
}
