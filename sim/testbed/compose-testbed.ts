import { Toxiproxy } from 'toxiproxy-node-client';
import {
  COMPOSE_GROUP_COUNT,
  COMPOSE_HOST,
  COMPOSE_NODE_COUNT,
  COMPOSE_RESOURCE_PORT,
  COMPOSE_TOXIPROXY_URL,
  composeNodes,
  composeProxies,
} from './compose-layout.js';
import { arrange, ProxiedTestbed } from './proxied-testbed.js';
import type { Testbed } from './testbed.js';

export interface ComposeTestbedOptions {
  /** Client groups. @default 4 (1 to 4: compose.yaml publishes four groups of proxies) */
  readonly groups?: number;
}

/**
 * Connects to the services of compose.yaml (`docker compose up -d --wait`) on their
 * published loopback ports. The proxies come from the mounted config already; they are
 * populated again (idempotent: unchanged proxies are kept) so a testbed whose proxies were
 * deleted heals itself, then every toxic is removed. stop() leaves the services running.
 */
export async function connectComposeTestbed(options: ComposeTestbedOptions = {}): Promise<Testbed> {
  const groups = options.groups ?? COMPOSE_GROUP_COUNT;
  const layout = composeProxies(groups);
  const toxiproxy = new Toxiproxy(COMPOSE_TOXIPROXY_URL);
  let populated;
  try {
    populated = await toxiproxy.populate(
      layout.map(({ name, listen, upstream }) => ({ name, listen, upstream, enabled: true })),
    );
    await toxiproxy.reset();
  } catch (error) {
    throw new Error(
      `cannot reach Toxiproxy at ${COMPOSE_TOXIPROXY_URL}: is the compose testbed up ("docker compose up -d --wait")?`,
      { cause: error },
    );
  }
  const proxies = layout.map((spec) => {
    const proxy = populated[spec.name];
    if (!proxy) throw new Error(`Toxiproxy did not return proxy ${spec.name} after populate`);
    return proxy;
  });
  return new ProxiedTestbed({
    toxiproxy,
    nodeCount: COMPOSE_NODE_COUNT,
    groupCount: groups,
    proxies: arrange(layout, proxies, groups, COMPOSE_NODE_COUNT),
    clientHost: COMPOSE_HOST,
    direct: composeNodes().map(({ directPort }) => ({ host: COMPOSE_HOST, port: directPort })),
    resource: { host: COMPOSE_HOST, port: COMPOSE_RESOURCE_PORT },
  });
}
