import { COMPOSE_HOST, composeNodes } from '../sim/testbed/compose-layout.js';
import { formatEndpoint, parseEndpoint, type Endpoint } from '../sim/testbed/endpoint.js';
import { RedisServers } from '../sim/testbed/redis-servers.js';
import { connectComposeTestbed, connectExplicitTestbed, startEmbeddedTestbed, type Testbed } from '../sim/testbed/testbed.js';
import type { FaultSpec, TestbedSpec } from './options.js';

/** Toxic name the bench adds, so a heal can tell its own toxics apart in logs. */
const LATENCY_TOXIC = 'bench-latency';
/** The bench's lock clients are one client group of the lab's testbed. */
const BENCH_GROUP = 0;

/** Turns a fault on and off on the testbed's proxies. */
export interface FaultSwitch {
  apply(fault: FaultSpec): Promise<void>;
  heal(): Promise<void>;
}

/** The redis masters a bench runs on, and the means to fault them when proxied. */
export interface BenchTestbed {
  /** What the report says about the testbed, e.g. `embedded, 5 redis-server`. */
  readonly description: string;
  /** Where the lock clients connect, one address per node. */
  readonly addresses: readonly string[];
  /** Present when the clients go through Toxiproxy (the faults scenario). */
  readonly faults: FaultSwitch | undefined;
  /**
   * The redis-servers this process started, directly (never through a proxy), for the
   * server CPU figures; undefined when the servers are someone else's (compose,
   * --redis), whose CPU may be spent on other clients too.
   */
  readonly localServers: readonly Endpoint[] | undefined;
  /** Stops whatever this testbed started. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Opens the testbed. Without faults the clients talk to redis directly, so the figures
 * carry no proxy hop; with faults both phases (no fault, fault) go through Toxiproxy, so
 * the two are compared like with like.
 */
export async function openBenchTestbed(spec: TestbedSpec, proxied: boolean): Promise<BenchTestbed> {
  if (!proxied) return openDirect(spec);
  let testbed: Testbed;
  let description: string;
  if (spec.kind === 'embedded') {
    testbed = await startEmbeddedTestbed({ nodes: spec.nodeCount, groups: 1 });
    description = `embedded, ${spec.nodeCount} redis-server behind toxiproxy-server`;
  } else if (spec.kind === 'compose') {
    testbed = await connectComposeTestbed({ groups: 1 });
    description = 'compose (docker compose up), through its Toxiproxy';
  } else {
    if (spec.toxiproxyUrl === undefined) throw new Error('--toxiproxy is required with --redis for faults');
    const first = spec.addresses[0] ?? '';
    // The lab's testbed wants a resource redis for fenced writes; the bench writes none.
    testbed = await connectExplicitTestbed({ redis: spec.addresses, toxiproxyUrl: spec.toxiproxyUrl, resource: first, groups: 1 });
    description = `explicit, ${spec.addresses.length} redis through ${spec.toxiproxyUrl}`;
  }
  try {
    await testbed.healAll();
  } catch (error) {
    await testbed.stop();
    throw error;
  }
  const faults: FaultSwitch = {
    apply: async (fault) => {
      const nodes = Array.from({ length: fault.nodeCount }, (_, node) => testbed.proxy(BENCH_GROUP, node));
      await Promise.all(
        nodes.map((proxy) =>
          fault.kind === 'latency'
            ? proxy.addToxic({
                name: LATENCY_TOXIC,
                type: 'latency',
                // Downstream only: the reply is delayed once per round trip.
                stream: 'downstream',
                toxicity: 1,
                attributes: { latency: fault.latencyMs, jitter: 0 },
              })
            : proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream }),
        ),
      );
    },
    heal: () => testbed.healAll(),
  };
  return {
    description,
    addresses: testbed.clientEndpoints(BENCH_GROUP).map(formatEndpoint),
    faults,
    localServers: spec.kind === 'embedded' ? testbed.directEndpoints() : undefined,
    stop: async () => {
      try {
        await testbed.healAll();
      } catch {
        // An embedded Toxiproxy is stopped below anyway; a remote one heals on its next use.
      }
      await testbed.stop();
    },
  };
}

async function openDirect(spec: TestbedSpec): Promise<BenchTestbed> {
  if (spec.kind === 'compose') {
    return {
      description: 'compose (docker compose up), redis directly',
      addresses: composeNodes().map((node) => `${COMPOSE_HOST}:${node.directPort}`),
      faults: undefined,
      localServers: undefined,
      stop: async () => undefined,
    };
  }
  if (spec.kind === 'explicit') {
    return { description: `explicit, ${spec.addresses.length} redis`, addresses: spec.addresses, faults: undefined, localServers: undefined, stop: async () => undefined };
  }
  const servers = await RedisServers.start({ count: spec.nodeCount });
  let stopped = false;
  return {
    description: `embedded, ${spec.nodeCount} redis-server`,
    addresses: servers.addresses,
    faults: undefined,
    localServers: servers.addresses.map((address) => parseEndpoint(address)),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await servers.stop();
    },
  };
}
