/**
 * The one place that says where compose.yaml's services are. compose.yaml, the Toxiproxy
 * config it mounts (compose/toxiproxy.json), `connectComposeTestbed` and the static test
 * (test/unit/compose.test.ts) all agree with this module; the test fails when they drift.
 *
 * Port scheme, chosen so that a port tells what it is:
 *   17000            the resource redis (outside the faulted network)
 *   17000 + N        redis node N (N = 1..5), direct, bypassing Toxiproxy
 *   18000 + 100g + N group g's proxy to node N (g = 0..3)
 *   8474             the Toxiproxy HTTP API (its usual port)
 * Redis containers listen on 6379 and are published on their 170xx port; a proxy listens
 * in its container on the same port it is published on, so its listen address and its
 * address on the host differ only in the host.
 */

/** Host address every port is published on: loopback only. */
export const COMPOSE_HOST = '127.0.0.1';
export const COMPOSE_NODE_COUNT = 5;
/** Client groups: as many as the largest catalog scenario uses (test/unit/compose.test.ts checks it). */
export const COMPOSE_GROUP_COUNT = 4;
export const COMPOSE_REDIS_IMAGE = 'redis:7';
export const COMPOSE_TOXIPROXY_IMAGE = 'ghcr.io/shopify/toxiproxy:2.12.0';
export const COMPOSE_TOXIPROXY_SERVICE = 'toxiproxy';
export const COMPOSE_TOXIPROXY_API_PORT = 8474;
export const COMPOSE_RESOURCE_SERVICE = 'resource';
export const COMPOSE_RESOURCE_PORT = 17_000;
/** Where redis listens inside its container. */
export const REDIS_CONTAINER_PORT = 6379;
/** Where the Toxiproxy config is mounted inside its container. */
export const COMPOSE_TOXIPROXY_CONFIG_PATH = '/config/toxiproxy.json';

export interface ComposeNode {
  /** 0-based node index, as everywhere in the lab. */
  readonly node: number;
  /** Compose service name: redis1 .. redis5. */
  readonly service: string;
  /** Host port of the node itself (direct, not proxied). */
  readonly directPort: number;
}

export interface ComposeProxy {
  readonly name: string;
  readonly group: number;
  readonly node: number;
  /** Port Toxiproxy listens on in its container, published on the host as the same port. */
  readonly port: number;
  /** "0.0.0.0:<port>": the proxy must accept connections from outside its container. */
  readonly listen: string;
  /** "redisN:6379": the node's address on the compose network. */
  readonly upstream: string;
}

export function composeNodes(): ComposeNode[] {
  return Array.from({ length: COMPOSE_NODE_COUNT }, (_, node) => ({
    node,
    service: `redis${node + 1}`,
    directPort: COMPOSE_RESOURCE_PORT + node + 1,
  }));
}

export function composeProxies(groups: number = COMPOSE_GROUP_COUNT): ComposeProxy[] {
  if (!Number.isInteger(groups) || groups < 1 || groups > COMPOSE_GROUP_COUNT) {
    throw new RangeError(`groups must be an integer from 1 to ${COMPOSE_GROUP_COUNT} for the compose testbed, got ${String(groups)}`);
  }
  const proxies: ComposeProxy[] = [];
  for (let group = 0; group < groups; group += 1) {
    for (const { node, service } of composeNodes()) {
      const port = 18_000 + 100 * group + node + 1;
      proxies.push({
        name: `g${group}-n${node}`,
        group,
        node,
        port,
        listen: `0.0.0.0:${port}`,
        upstream: `${service}:${REDIS_CONTAINER_PORT}`,
      });
    }
  }
  return proxies;
}

export const COMPOSE_TOXIPROXY_URL = `http://${COMPOSE_HOST}:${COMPOSE_TOXIPROXY_API_PORT}`;
