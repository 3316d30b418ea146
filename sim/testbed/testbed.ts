import type { Proxy } from 'toxiproxy-node-client';
import type { Endpoint } from './endpoint.js';
import type { RedisServers } from './redis-servers.js';

export type { Endpoint } from './endpoint.js';

/**
 * What the lab runs on: N independent Redis masters, reached by each client group through
 * its own Toxiproxy proxy per node (so faults can differ per client, as Kleppmann's example
 * needs), plus a "resource" Redis outside the faulted network for the fenced writes.
 * Three ways to get one: embedded (this process starts every server), compose (the
 * compose.yaml services) and explicit (servers someone else runs).
 */
export interface Testbed {
  /** N Redis masters. */
  readonly nodeCount: number;
  /** Client groups, each with its own proxy per node. */
  readonly groupCount: number;
  /** Where group `group`'s lock clients connect: one proxy per node, in node order. */
  clientEndpoints(group: number): Endpoint[];
  /** Each node, bypassing Toxiproxy: for admin work (leftover-key scans, clock emulation). */
  directEndpoints(): Endpoint[];
  /** The fenced resource's Redis, outside the faulted network (never proxied). */
  readonly resourceEndpoint: Endpoint;
  /** The server processes, only when embedded: crash, restart and pause need them. */
  readonly redis?: RedisServers;
  /** The toxiproxy-node-client proxy named `g<group>-n<node>`. */
  proxy(group: number, node: number): Proxy;
  /** Removes every toxic and enables every proxy (bounded: ToxiproxyHungError if it hangs). */
  healAll(): Promise<void>;
  /** Whether restartToxiproxy can work: only when this process runs toxiproxy-server. */
  readonly canRestartToxiproxy: boolean;
  /** The toxiproxy-server process id, when this process runs it (embedded); else undefined. */
  readonly toxiproxyPid: number | undefined;
  /**
   * The bound on each Toxiproxy API call (nemeses' toxics, healAll; recreating the proxies
   * gets two of these): past it the API counts as hung (ToxiproxyHungError).
   */
  readonly toxiproxyCallTimeoutMs: number;
  /** How many times restartToxiproxy has run. */
  readonly toxiproxyRestarts: number;
  /**
   * The way out of a hung Toxiproxy API (Shopify/toxiproxy#558): kills toxiproxy-server,
   * starts it again on the same port and recreates every proxy on its old listen port,
   * without toxics, so clients reconnect where they were. Rejects when
   * canRestartToxiproxy is false. Concurrent callers share one restart.
   */
  restartToxiproxy(): Promise<void>;
  /** FLUSHALL on every node (directly) and on the resource, between scenarios. */
  flushAll(): Promise<void>;
  /** Stops what this testbed started (nothing for compose and explicit testbeds). Idempotent. */
  stop(): Promise<void>;
}

export { startEmbeddedTestbed, type EmbeddedTestbedOptions } from './embedded-testbed.js';
export { connectComposeTestbed, type ComposeTestbedOptions } from './compose-testbed.js';
export { connectExplicitTestbed, type ExplicitTestbedOptions } from './explicit-testbed.js';
