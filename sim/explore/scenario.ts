import type { ClockSpec } from './clock-model.js';
import type { LatencySpec } from './network.js';
import type { Persistence } from './sim-node.js';

/** How a simulated client takes and gives back its locks. */
export type ExploreVariant =
  /** The library as it ships. */
  | 'correct'
  /** The lab's negative control: SET NX PX on every node, the full TTL as validity, whatever the acquire took. */
  | 'no-validity-check'
  /** The lab's negative control: the library's acquire, release by plain DEL, and sometimes an overrun. */
  | 'plain-del-release';

/** One fault at one true time. Every fault is bounded: a duration, or one instant. */
export type Fault =
  /** Cuts `direction` (both ways, requests only, replies only) between `client` ('all': every client) and `nodes`. */
  | { readonly kind: 'partition'; readonly atMs: number; readonly durationMs: number; readonly client: number | 'all'; readonly nodes: readonly number[]; readonly direction: 'both' | 'request' | 'reply' }
  | { readonly kind: 'latency'; readonly atMs: number; readonly durationMs: number; readonly nodes: readonly number[]; readonly extraMs: number }
  /** A TCP reset of one client's connections to one node. */
  | { readonly kind: 'reset'; readonly atMs: number; readonly client: number; readonly node: number }
  /** kill -9, restarted `downMs` later with `persistence`. */
  | { readonly kind: 'crash'; readonly atMs: number; readonly node: number; readonly downMs: number; readonly persistence: Persistence }
  | { readonly kind: 'node-pause'; readonly atMs: number; readonly node: number; readonly durationMs: number }
  /** A step of one node's wall clock (negative: back). */
  | { readonly kind: 'clock-jump'; readonly atMs: number; readonly node: number; readonly jumpMs: number }
  /** A step of one client's wall clock (its Lock.expiration and the clock part of its fencing tokens); its monotonic clock does not step. */
  | { readonly kind: 'client-clock-jump'; readonly atMs: number; readonly client: number; readonly jumpMs: number }
  /** A GC pause or SIGSTOP of one client process. */
  | { readonly kind: 'client-pause'; readonly atMs: number; readonly client: number; readonly durationMs: number };

export type FaultKind = Fault['kind'];

/**
 * Everything one simulated run depends on, as plain data: the same scenario gives the
 * same run, byte for byte. It is what `--replay` carries and what shrinking reduces.
 */
export interface Scenario {
  /** Feeds every random choice of the run (latencies, the workload, the library's jitter and lock values). */
  readonly seed: number;
  readonly nodes: number;
  /** One variant per client. */
  readonly clients: readonly ExploreVariant[];
  /**
   * Each client's identity for its random streams (workload, jitter, lock values, its
   * links). Shrinking drops clients without renaming the others, so the survivors keep
   * their streams and the run changes as little as it can. @default 0, 1, 2, ...
   */
  readonly clientIds?: readonly number[];
  readonly resources: number;
  /** Lock operations each client starts (acquire, then hold, maybe extend, release). */
  readonly opsPerClient: number;
  readonly ttlMs: number;
  readonly driftFactor: number;
  readonly retryCount: number;
  readonly retryDelayMs: number;
  readonly releaseNotifications: boolean;
  /** Chance that a holder extends its lock once while holding. */
  readonly extendChance: number;
  /** Planned work per critical section, client ms (cut to what validity leaves). */
  readonly holdMs: readonly [number, number];
  /** Pause between operations, client ms. */
  readonly thinkMs: readonly [number, number];
  readonly latency: LatencySpec;
  readonly lossChance: number;
  readonly nodeClocks: readonly ClockSpec[];
  readonly clientClocks: readonly ClockSpec[];
  readonly faults: readonly Fault[];
  /**
   * How the simulated driver sends scripts: EVALSHA and, on NOSCRIPT, EVAL (ioredis's
   * `defineCommand`; the EVAL goes out after whatever was sent meanwhile), or EVAL always
   * (nothing to fall back from, so nothing is reordered). @default 'evalsha-fallback'
   */
  readonly scriptMode?: 'evalsha-fallback' | 'eval';
}

/** Bounds every scenario is checked against (a replayed one too). */
export const LIMITS = Object.freeze({
  nodesMax: 9,
  clientsMax: 64,
  resourcesMax: 1000,
  opsPerClientMax: 1_000_000,
  ttlMsMin: 10,
  ttlMsMax: 60_000,
  faultsMax: 10_000,
  /** Longest fault duration or offset, true ms. */
  faultMsMax: 3_600_000,
});
