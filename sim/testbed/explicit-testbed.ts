import { Toxiproxy } from 'toxiproxy-node-client';
import { formatEndpoint, parseEndpoint } from './endpoint.js';
import { ProxiedTestbed, recreateProxies, type ProxySpec } from './proxied-testbed.js';
import { validateCounts } from './testbed-counts.js';
import type { Testbed } from './testbed.js';

export interface ExplicitTestbedOptions {
  /** The Redis masters, "host:port" each, as both this process and Toxiproxy reach them. */
  readonly redis: readonly string[];
  /** The Toxiproxy API, e.g. "http://127.0.0.1:8474". */
  readonly toxiproxyUrl: string;
  /** The resource Redis, "host:port", outside the faulted network. */
  readonly resource: string;
  /** Client groups. @default 2 (1 to 8) */
  readonly groups?: number;
}

/**
 * Uses servers someone else runs. The proxies `g<group>-n<node>` are (re)created on the
 * Toxiproxy host, on ports it picks, so Toxiproxy must run where its listen ports are
 * reachable from here (for a containerised Toxiproxy, use the compose testbed instead).
 * stop() deletes nothing and stops nothing.
 */
export async function connectExplicitTestbed(options: ExplicitTestbedOptions): Promise<Testbed> {
  const direct = options.redis.map((address, index) => parseEndpoint(address, `redis[${index}]`));
  const { nodes, groups } = validateCounts(direct.length, options.groups ?? 2);
  const resource = parseEndpoint(options.resource, 'resource');
  let url: URL;
  try {
    url = new URL(options.toxiproxyUrl);
  } catch (error) {
    throw new RangeError(`toxiproxyUrl must be an http URL such as http://127.0.0.1:8474, got "${options.toxiproxyUrl}"`, {
      cause: error,
    });
  }
  const listenHost = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
  const toxiproxy = new Toxiproxy(url.origin);
  const specs: ProxySpec[] = [];
  for (let group = 0; group < groups; group += 1) {
    direct.forEach((endpoint, node) => {
      specs.push({ group, node, listen: `${listenHost}:0`, upstream: formatEndpoint(endpoint) });
    });
  }
  const proxies = await recreateProxies(toxiproxy, specs, groups, nodes);
  return new ProxiedTestbed({ toxiproxy, nodeCount: nodes, groupCount: groups, proxies, direct, resource });
}
