import { Random } from '../random.js';
import { IDEAL_CLOCK, type ClockSpec } from './clock-model.js';
import type { ExploreVariant, Fault, FaultKind, Scenario } from './scenario.js';
import { WRITE_BUDGET_MS } from './workload.js';

/**
 * `swarm`: each seed enables a random subset of the faults, at random strengths, the
 * Redlock-breaking ones included. `within`: only what the Redlock spec assumes away
 * safely: any network fault and node pause, crashes with AOF always (restarted at once
 * or later), wall clocks that only step back, clock rates and periodic errors well
 * inside `driftFactor`, client pauses too short to push a planned write past validity.
 */
export type ExploreMode = 'swarm' | 'within';

export interface GenerateOptions {
  readonly mode: ExploreMode;
  /** Lock operations the scenario's clients start, in all (rounded up to a whole number per client). */
  readonly ops: number;
  /** The variants to mix in beside correct clients (the negative controls). @default none */
  readonly controls?: readonly ExploreVariant[];
  /** The fault kinds a seed may enable (each with chance 1/2, at least one). @default SWARM_KINDS */
  readonly kinds?: readonly SwarmKind[];
}

/** What a swarm seed can enable: the timed faults, and `clock-rate` (drifting, fast and erring clocks). */
export type SwarmKind = FaultKind | 'clock-rate';

export const SWARM_KINDS: readonly SwarmKind[] = ['partition', 'latency', 'reset', 'crash', 'node-pause', 'clock-jump', 'client-pause', 'clock-rate'];

/** Faults per second of simulated time at strength 1. */
const FAULT_RATE_PER_S = 2;
// Within mode: rates and periodic errors kept to a share of driftFactor, so that a
// node's fast clock and a client's slow one together stay inside the allowance.
const WITHIN_RATE_SHARE = 0.4;
const WITHIN_PERIODIC_MS = 0.5;

/** A scenario drawn from a seed: the whole run is a function of this value. */
export function generateScenario(seed: number, options: GenerateOptions): Scenario {
  const random = new Random(seed).fork('scenario');
  const within = options.mode === 'within';
  const nodes = random.pick([3, 5, 5, 5, 7]);
  const correctCount = random.int(2, 6);
  const clients: ExploreVariant[] = [...Array.from({ length: correctCount }, () => 'correct' as const), ...(options.controls ?? [])];
  const resources = random.int(1, 3);
  const ttlMs = random.pick([100, 200, 500, 1000]);
  const driftFactor = 0.01;
  const opsPerClient = Math.max(1, Math.ceil(options.ops / clients.length));
  const holdMs: [number, number] = [1, Math.max(2, Math.floor(ttlMs * random.float(0.05, 0.6)))];
  const thinkMs: [number, number] = [0, random.int(0, 30)];
  const spiky = random.chance(0.5);
  const latency = {
    minMs: random.float(0.05, 1),
    tailMeanMs: random.float(0.05, ttlMs / 100),
    spikeChance: spiky ? random.float(0, 0.05) : 0,
    spikeMs: spiky ? random.float(1, ttlMs) : 0,
  };
  const lossChance = random.chance(0.3) ? random.float(0, 0.02) : 0;
  const retryDelayMs = random.int(5, Math.max(6, Math.floor(ttlMs / 4)));

  // A rough horizon of the run, so that faults land while clients are working.
  const cycleMs = (thinkMs[1] + holdMs[1]) / 2 + 4 * (latency.minMs + latency.tailMeanMs) + 2;
  const horizonMs = Math.max(ttlMs * 2, opsPerClient * cycleMs * (1 + resources / clients.length));

  const kinds = options.kinds ?? SWARM_KINDS;
  const enabled = kinds.filter(() => random.chance(0.5));
  if (enabled.length === 0 && kinds.length > 0) enabled.push(random.pick(kinds));
  const faults: Fault[] = [];
  for (const kind of enabled) {
    if (kind === 'clock-rate') continue;
    const strength = random.float(0.1, 1);
    const count = Math.min(200, Math.max(1, Math.round((FAULT_RATE_PER_S * strength * horizonMs) / 1000)));
    const f = random.fork(`fault:${kind}`);
    for (let i = 0; i < count; i += 1) faults.push(drawFault(kind, f, { within, nodes, clients: clients.length, ttlMs, horizonMs, strength }));
  }
  faults.sort((a, b) => a.atMs - b.atMs);

  const clockRandom = random.fork('clocks');
  const drifting = enabled.includes('clock-rate');
  const fastClocks = drifting && !within && clockRandom.chance(0.5);
  const nodeClocks = Array.from({ length: nodes }, (_, n) => (drifting ? drawClock(clockRandom, within, driftFactor, fastClocks && n === 0) : IDEAL_CLOCK));
  const clientClocks = clients.map(() => (drifting ? drawClock(clockRandom, within, driftFactor, false, true) : IDEAL_CLOCK));

  return {
    seed,
    nodes,
    clients,
    resources,
    opsPerClient,
    ttlMs,
    driftFactor,
    retryCount: random.int(0, 5),
    retryDelayMs,
    releaseNotifications: random.chance(0.3),
    extendChance: random.float(0, 0.5),
    holdMs,
    thinkMs,
    latency,
    lossChance,
    nodeClocks,
    clientClocks,
    faults,
  };
}

interface DrawContext {
  readonly within: boolean;
  readonly nodes: number;
  readonly clients: number;
  readonly ttlMs: number;
  readonly horizonMs: number;
  readonly strength: number;
}

function drawFault(kind: FaultKind, r: Random, c: DrawContext): Fault {
  const atMs = Math.round(r.float(0, c.horizonMs));
  const node = r.int(0, c.nodes - 1);
  const client = r.int(0, c.clients - 1);
  const span = (lowTtls: number, highTtls: number): number => Math.max(1, Math.round(c.ttlMs * r.float(lowTtls, highTtls) * c.strength));
  switch (kind) {
    case 'partition':
      return {
        kind,
        atMs,
        durationMs: span(0.1, 3),
        client: r.chance(0.3) ? 'all' : client,
        nodes: subset(r, c.nodes, r.int(1, c.nodes - 1)),
        direction: r.pick(['both', 'both', 'request', 'reply'] as const),
      };
    case 'latency':
      return { kind, atMs, durationMs: span(0.2, 3), nodes: subset(r, c.nodes, r.int(1, c.nodes)), extraMs: span(0.01, 0.8) };
    case 'reset':
      return { kind, atMs, client, node };
    case 'crash': {
      const delayed = c.within ? r.chance(0.5) : r.chance(0.3);
      // A delayed restart waits out every TTL the node may hold (1.2 to 2 TTLs).
      const downMs = delayed ? Math.round(c.ttlMs * r.float(1.2, 2)) : r.int(0, Math.max(1, Math.round(c.ttlMs / 10)));
      const persistence = c.within || r.chance(0.3) ? 'aof-always' : 'none';
      return { kind, atMs, node, downMs, persistence };
    }
    case 'node-pause':
      return { kind, atMs, node, durationMs: span(0.05, 2) };
    case 'clock-jump':
    case 'client-clock-jump': {
      const jumpMs = Math.max(1, Math.round(c.ttlMs * r.float(0.1, 1.5)));
      // Half the jumps step a client's wall clock (either way: it only moves Lock.expiration
      // and the clock part of tokens), half a node's (within the assumptions: only back).
      if (kind === 'client-clock-jump' || r.chance(0.5)) return { kind: 'client-clock-jump', atMs, client, jumpMs: r.chance(0.5) ? -jumpMs : jumpMs };
      const back = c.within || r.chance(0.3);
      return { kind: 'clock-jump', atMs, node, jumpMs: back ? -jumpMs : jumpMs };
    }
    case 'client-pause':
      return { kind, atMs, client, durationMs: c.within ? r.int(1, WRITE_BUDGET_MS - 1) : span(0.05, 3) };
  }
}

function drawClock(r: Random, within: boolean, driftFactor: number, fast: boolean, monotonicOnly = false): ClockSpec {
  if (fast) return { rate: r.float(1.05, 3), periodicMs: 0, periodMs: 10_000 };
  if (!r.chance(0.5)) return IDEAL_CLOCK;
  const share = within ? WITHIN_RATE_SHARE : 1.5;
  const rate = 1 + r.float(-share, share) * driftFactor;
  const periodicMs = monotonicOnly ? 0 : r.float(0, within ? WITHIN_PERIODIC_MS : 20);
  return { rate, periodicMs, periodMs: r.float(500, 20_000) };
}

function subset(r: Random, size: number, count: number): number[] {
  const all = Array.from({ length: size }, (_, i) => i);
  for (let i = all.length - 1; i > 0; i -= 1) {
    const j = r.int(0, i);
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}
