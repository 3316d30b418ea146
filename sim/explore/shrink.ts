import { IDEAL_CLOCK } from './clock-model.js';
import type { Fault, Scenario } from './scenario.js';
import type { Anomaly } from './verdict.js';

export interface ShrinkOptions {
  /** Most candidate runs tried. @default 300 */
  readonly runsMax?: number;
  /** Most host time spent, ms. @default 60_000 */
  readonly timeLimitMs?: number;
  readonly now?: () => number;
  /** Candidates to try before the passes, e.g. the run cut after its first evidence. */
  readonly first?: readonly Scenario[];
  /**
   * For structural reductions (a client, a resource, operations), also try this many
   * other seeds: a smaller scenario that fails for some seed is as good a
   * counterexample, and the interleaving that showed the anomaly is fragile. @default 3
   */
  readonly reseeds?: number;
}

export interface ShrinkResult {
  readonly scenario: Scenario;
  /** Candidates run. */
  readonly tries: number;
  /** Candidates kept (each still failed). */
  readonly steps: number;
}

/**
 * Reduces a failing scenario to a small one that still shows `anomaly`: greedy passes,
 * each keeping a candidate only when it still fails, repeated until a whole round keeps
 * nothing. The passes, in order: drop faults (halves first, then single faults, as
 * delta debugging does), make clocks ideal, drop clients, halve the operations, one
 * resource, plainer settings, then shorter faults and delays. Every candidate is a
 * whole scenario, so the result replays as it is.
 */
export async function shrink(
  scenario: Scenario,
  fails: (candidate: Scenario) => Promise<boolean>,
  options: ShrinkOptions = {},
): Promise<ShrinkResult> {
  const runsMax = options.runsMax ?? 300;
  const timeLimitMs = options.timeLimitMs ?? 60_000;
  const now = options.now ?? (() => performance.now());
  const startMs = now();
  let current = scenario;
  let tries = 0;
  let steps = 0;
  const reseeds = options.reseeds ?? 3;
  const exhausted = (): boolean => tries >= runsMax || now() - startMs >= timeLimitMs;
  const attempt = async (candidate: Scenario | undefined): Promise<boolean> => {
    if (candidate === undefined || exhausted()) return false;
    tries += 1;
    if (!(await fails(candidate))) return false;
    current = candidate;
    steps += 1;
    return true;
  };
  // A structural reduction, tried with the current seed, then with a few others.
  const attemptReseeded = async (candidate: Scenario | undefined): Promise<boolean> => {
    if (candidate === undefined) return false;
    for (let k = 0; k <= reseeds; k += 1) {
      if (await attempt(k === 0 ? candidate : { ...candidate, seed: (candidate.seed + k) >>> 0 })) return true;
    }
    return false;
  };

  for (const candidate of options.first ?? []) await attempt(candidate);
  for (let progress = true; progress && !exhausted(); ) {
    progress = false;
    // Faults: chunks from halves down to single faults.
    for (let chunk = Math.max(1, Math.floor(current.faults.length / 2)); chunk >= 1 && !exhausted(); chunk = chunk === 1 ? 0 : Math.max(1, Math.floor(chunk / 2))) {
      for (let start = 0; start < current.faults.length && !exhausted(); ) {
        const faults = [...current.faults.slice(0, start), ...current.faults.slice(start + chunk)];
        if (await attempt({ ...current, faults })) progress = true;
        else start += chunk;
      }
    }
    for (let n = 0; n < current.nodeClocks.length; n += 1) {
      if (current.nodeClocks[n] !== IDEAL_CLOCK && (await attempt({ ...current, nodeClocks: replaceAt(current.nodeClocks, n, IDEAL_CLOCK) }))) progress = true;
    }
    for (let c = 0; c < current.clientClocks.length; c += 1) {
      if (current.clientClocks[c] !== IDEAL_CLOCK && (await attempt({ ...current, clientClocks: replaceAt(current.clientClocks, c, IDEAL_CLOCK) }))) progress = true;
    }
    for (let c = current.clients.length - 1; c >= 0 && current.clients.length > 1; c -= 1) {
      if (await attemptReseeded(withoutClient(current, c))) progress = true;
    }
    while (current.opsPerClient > 1 && (await attemptReseeded({ ...current, opsPerClient: Math.floor(current.opsPerClient / 2) }))) progress = true;
    if (current.opsPerClient > 1 && (await attempt({ ...current, opsPerClient: current.opsPerClient - 1 }))) progress = true;
    if (current.resources > 1 && (await attemptReseeded({ ...current, resources: 1 }))) progress = true;
    for (const candidate of plainer(current)) if (await attempt(candidate)) progress = true;
    for (let i = 0; i < current.faults.length; i += 1) {
      const shorter = shorten(current.faults[i] as Fault);
      if (shorter !== undefined && (await attempt({ ...current, faults: replaceAt(current.faults, i, shorter) }))) progress = true;
    }
  }
  return { scenario: current, tries, steps };
}

/**
 * The scenario cut after the evidence: no operation after the last one involved (lockIds
 * are "c<client>.<op>"), no fault after the evidence ends. Later work cannot have caused
 * it, though it can change what came before (fewer contenders), so it is a candidate,
 * not a given.
 */
export function cutAfter(s: Scenario, lockIds: readonly string[], toMs: number): Scenario {
  const ops = lockIds.map((id) => Number(/^c\d+\.(\d+)/.exec(id)?.[1] ?? s.opsPerClient - 1));
  const opsPerClient = Math.min(s.opsPerClient, Math.max(...ops) + 1);
  return { ...s, opsPerClient, faults: s.faults.filter((f) => f.atMs <= toMs) };
}

/** One-step simplifications of the scenario's settings. */
function plainer(s: Scenario): Scenario[] {
  const out: Scenario[] = [];
  if (s.extendChance > 0) out.push({ ...s, extendChance: 0 });
  if (s.releaseNotifications) out.push({ ...s, releaseNotifications: false });
  if (s.lossChance > 0) out.push({ ...s, lossChance: 0 });
  if (s.latency.spikeChance > 0) out.push({ ...s, latency: { ...s.latency, spikeChance: 0, spikeMs: 0 } });
  if (s.latency.tailMeanMs > 0.1) out.push({ ...s, latency: { ...s.latency, tailMeanMs: round(s.latency.tailMeanMs / 2) } });
  if (s.retryCount > 0) out.push({ ...s, retryCount: s.retryCount - 1 });
  if (s.thinkMs[1] > 0) out.push({ ...s, thinkMs: [0, Math.floor(s.thinkMs[1] / 2)] });
  if (s.holdMs[1] > s.holdMs[0] + 1) out.push({ ...s, holdMs: [s.holdMs[0], Math.floor((s.holdMs[0] + s.holdMs[1]) / 2)] });
  if (s.nodes > 3 && !usesNode(s, s.nodes - 2)) out.push(withNodes(s, s.nodes - 2));
  return out;
}

function shorten(fault: Fault): Fault | undefined {
  switch (fault.kind) {
    case 'latency': {
      const durationMs = Math.floor(fault.durationMs / 2);
      return durationMs >= 1 ? { ...fault, durationMs, extraMs: Math.max(1, Math.floor(fault.extraMs * 0.75)) } : undefined;
    }
    case 'partition':
    case 'node-pause':
    case 'client-pause': {
      const durationMs = Math.floor(fault.durationMs / 2);
      return durationMs >= 1 ? { ...fault, durationMs } : undefined;
    }
    case 'crash':
      return fault.downMs >= 2 ? { ...fault, downMs: Math.floor(fault.downMs / 2) } : undefined;
    case 'clock-jump':
    case 'client-clock-jump':
      return Math.abs(fault.jumpMs) >= 2 ? { ...fault, jumpMs: Math.trunc(fault.jumpMs * 0.75) } : undefined;
    case 'reset':
      return undefined;
  }
}

/** The scenario without client `c`: its faults go, later clients move down one. */
export function withoutClient(s: Scenario, c: number): Scenario | undefined {
  if (s.clients.length <= 1) return undefined;
  const remap = (client: number): number => (client > c ? client - 1 : client);
  const faults: Fault[] = [];
  for (const fault of s.faults) {
    if ((fault.kind === 'reset' || fault.kind === 'client-pause' || fault.kind === 'client-clock-jump') && fault.client === c) continue;
    if (fault.kind === 'partition' && fault.client === c) continue;
    if (fault.kind === 'reset' || fault.kind === 'client-pause' || fault.kind === 'client-clock-jump') faults.push({ ...fault, client: remap(fault.client) });
    else if (fault.kind === 'partition' && fault.client !== 'all') faults.push({ ...fault, client: remap(fault.client) });
    else faults.push(fault);
  }
  const ids = s.clientIds ?? s.clients.map((_, i) => i);
  return { ...s, clients: removeAt(s.clients, c), clientIds: removeAt(ids, c), clientClocks: removeAt(s.clientClocks, c), faults };
}

function usesNode(s: Scenario, fromNode: number): boolean {
  return s.faults.some((fault) => {
    if (fault.kind === 'partition' || fault.kind === 'latency') return fault.nodes.some((n) => n >= fromNode);
    if (fault.kind === 'reset' || fault.kind === 'crash' || fault.kind === 'node-pause' || fault.kind === 'clock-jump') return fault.node >= fromNode;
    return false;
  });
}

function withNodes(s: Scenario, nodes: number): Scenario {
  return { ...s, nodes, nodeClocks: s.nodeClocks.slice(0, nodes) };
}

function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  return items.map((existing, i) => (i === index ? item : existing));
}

function removeAt<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The predicate shrinking keeps: the candidate still shows `anomaly`. */
export type StillFails = (candidate: Scenario, anomaly: Anomaly) => Promise<boolean>;
