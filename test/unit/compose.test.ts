import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COMPOSE_GROUP_COUNT,
  COMPOSE_HOST,
  COMPOSE_REDIS_IMAGE,
  COMPOSE_RESOURCE_PORT,
  COMPOSE_RESOURCE_SERVICE,
  COMPOSE_TOXIPROXY_API_PORT,
  COMPOSE_TOXIPROXY_CONFIG_PATH,
  COMPOSE_TOXIPROXY_IMAGE,
  COMPOSE_TOXIPROXY_SERVICE,
  REDIS_CONTAINER_PORT,
  composeNodes,
  composeProxies,
} from '../../sim/testbed/compose-layout.js';
import { CATALOG_GROUPS_MAX } from '../../sim/scenarios/catalog.js';
import { REPO_ROOT } from '../../sim/testbed/tools.js';

// There is no Docker engine here, so compose.yaml is checked statically against the one
// module connectComposeTestbed reads: a drift between them fails this test.

interface Service {
  image?: string;
  command?: string[] | string;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[] | string; interval?: string; retries?: number };
  depends_on?: Record<string, { condition?: string }>;
}

const compose = parse(readFileSync(join(REPO_ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`compose.yaml has no service ${name}`);
  return found;
}

const redisServices = [...composeNodes().map((node) => node.service), COMPOSE_RESOURCE_SERVICE];

describe('compose.yaml', () => {
  it('has exactly the five nodes, the resource and toxiproxy', () => {
    expect(Object.keys(services).sort()).toEqual([...redisServices, COMPOSE_TOXIPROXY_SERVICE].sort());
  });

  it.each(redisServices)('%s runs redis:7 without persistence', (name) => {
    const redis = service(name);
    expect(redis.image).toBe(COMPOSE_REDIS_IMAGE);
    expect(Array.isArray(redis.command)).toBe(true);
    const command = redis.command as string[];
    expect(command[0]).toBe('redis-server');
    expect(command[command.indexOf('--save') + 1]).toBe('');
    expect(command[command.indexOf('--appendonly') + 1]).toBe('no');
  });

  it('publishes each node directly and the resource on loopback, on the layout ports', () => {
    for (const node of composeNodes()) {
      expect(service(node.service).ports).toEqual([`${COMPOSE_HOST}:${node.directPort}:${REDIS_CONTAINER_PORT}`]);
    }
    expect(service(COMPOSE_RESOURCE_SERVICE).ports).toEqual([
      `${COMPOSE_HOST}:${COMPOSE_RESOURCE_PORT}:${REDIS_CONTAINER_PORT}`,
    ]);
  });

  it('gives every service a healthcheck', () => {
    for (const name of redisServices) {
      expect(service(name).healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    }
    // The toxiproxy image is FROM scratch: its CLI is the only probe it can run.
    expect(service(COMPOSE_TOXIPROXY_SERVICE).healthcheck?.test).toEqual(['CMD', '/toxiproxy-cli', 'list']);
  });

  it('runs toxiproxy 2.12.0 on all interfaces of its container with the mounted config', () => {
    const toxiproxy = service(COMPOSE_TOXIPROXY_SERVICE);
    expect(toxiproxy.image).toBe(COMPOSE_TOXIPROXY_IMAGE);
    expect(toxiproxy.command).toContain('-host=0.0.0.0');
    expect(toxiproxy.command).toContain(`-config=${COMPOSE_TOXIPROXY_CONFIG_PATH}`);
    expect(toxiproxy.volumes).toContain(`./sim/testbed/compose/toxiproxy.json:${COMPOSE_TOXIPROXY_CONFIG_PATH}:ro`);
    for (const node of composeNodes()) {
      expect(toxiproxy.depends_on?.[node.service]?.condition).toBe('service_healthy');
    }
  });

  it('publishes the API and exactly one port per (group, node) proxy', () => {
    const expected = [
      `${COMPOSE_HOST}:${COMPOSE_TOXIPROXY_API_PORT}:${COMPOSE_TOXIPROXY_API_PORT}`,
      ...composeProxies().map((proxy) => `${COMPOSE_HOST}:${proxy.port}:${proxy.port}`),
    ];
    expect(service(COMPOSE_TOXIPROXY_SERVICE).ports?.slice().sort()).toEqual(expected.sort());
  });

  it('publishes no port twice and nothing beyond loopback', () => {
    const published = Object.values(services).flatMap((entry) => entry.ports ?? []);
    const hostPorts = published.map((port) => port.split(':')[1]);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    for (const port of published) expect(port.startsWith(`${COMPOSE_HOST}:`)).toBe(true);
  });
});

describe('sim/testbed/compose/toxiproxy.json', () => {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'sim/testbed/compose/toxiproxy.json'), 'utf8')) as {
    name: string;
    listen: string;
    upstream: string;
    enabled?: boolean;
  }[];

  it('holds exactly the layout proxies, listening on all interfaces, upstream to redisN:6379', () => {
    expect(config.map(({ name, listen, upstream }) => ({ name, listen, upstream }))).toEqual(
      composeProxies().map(({ name, listen, upstream }) => ({ name, listen, upstream })),
    );
    expect(config).toHaveLength(COMPOSE_GROUP_COUNT * composeNodes().length);
    for (const proxy of config) expect(proxy.enabled ?? true).toBe(true);
  });

  it('points every proxy at a compose service', () => {
    for (const proxy of config) {
      const [host, port] = proxy.upstream.split(':');
      expect(services[host ?? '']?.image).toBe(COMPOSE_REDIS_IMAGE);
      expect(Number(port)).toBe(REDIS_CONTAINER_PORT);
    }
  });
});

describe('compose layout', () => {
  it('has as many client groups as the largest catalog scenario uses', () => {
    expect(COMPOSE_GROUP_COUNT).toBeGreaterThanOrEqual(CATALOG_GROUPS_MAX);
  });

  it('rejects more groups than compose.yaml publishes', () => {
    expect(() => composeProxies(COMPOSE_GROUP_COUNT + 1)).toThrow(RangeError);
    expect(() => composeProxies(0)).toThrow(new RegExp(`groups must be an integer from 1 to ${COMPOSE_GROUP_COUNT}`));
  });
});
