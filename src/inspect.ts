import { createHash } from 'node:crypto';
import type { Script } from './scripts.js';
import { quorumSize } from './quorum.js';
import { driftMs } from './validity.js';

/**
 * KEYS: lock keys. Read only: for each key its value ('' when absent) and its PTTL in ms
 * (-2 absent, -1 no expiry), as one flat array. Read in one script, so the keys of one
 * node are seen at one instant.
 */
const INSPECT_LUA = `
local out = {}
for i = 1, #KEYS do
  out[#out + 1] = redis.call('GET', KEYS[i]) or ''
  out[#out + 1] = redis.call('PTTL', KEYS[i])
end
return out
`;
export const INSPECT: Script = Object.freeze({ name: 'redquorumInspect', lua: INSPECT_LUA, sha: createHash('sha1').update(INSPECT_LUA).digest('hex') });

/** The per-node timeout of an inspection when `nodeTimeoutMs` is not set, in ms. */
export const INSPECT_NODE_TIMEOUT_MS = 1_000;

/** What one node holds for the inspected resources. */
export interface NodeReading {
  /**
   * The lock value holding every resource on this node, or null when a resource is free
   * or the resources are held by different locks. Never leaves the library.
   */
  readonly holder: string | null;
  /** The least PTTL of the resources in ms (Infinity for a key with no expiry), when held. */
  readonly ttlMs: number;
}

/**
 * - `held`: one lock holds every resource on a quorum, for at least `heldForMs` more;
 * - `free`: so many nodes hold none (or not one lock for all) that no lock can hold them
 *   on a quorum;
 * - `unknown`: neither could be shown: nodes failed or timed out, the answers are split
 *   between locks, or the quorum's lock may expire within the drift allowance.
 */
export type InspectionState = 'held' | 'free' | 'unknown';

/** The quorum read of a resource set: whether a lock holds it, and for how long at least. */
export interface Inspection {
  readonly resources: readonly string[];
  readonly state: InspectionState;
  /**
   * `held`: the ms the lock holds the resources at least, counted from when `inspect()`
   * resolved, unless its holder releases it first: the quorum-th largest PTTL minus the
   * time the read took and the clock-drift allowance. 0 otherwise.
   */
  readonly heldForMs: number;
  /** Nodes that hold the resources for the lock seen most. */
  readonly nodesHolding: number;
  /** Nodes that answered that no single lock holds them. */
  readonly nodesFree: number;
  readonly membershipSize: number;
  readonly quorumSize: number;
  /** Every node's error (its driver's own, or a timeout), by node index. */
  readonly errors: ReadonlyMap<number, Error>;
}

/** Parses one node's INSPECT reply: a flat [value, pttl, value, pttl, ...] array. */
export function parseReading(reply: unknown, keyCount: number): NodeReading | Error {
  if (!Array.isArray(reply) || reply.length !== keyCount * 2) return new Error(`unexpected inspect reply ${JSON.stringify(reply)}`);
  let holder: string | null | undefined;
  let ttlMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < keyCount; i += 1) {
    const value = String(reply[2 * i]);
    const pttl = Number(reply[2 * i + 1]);
    if (value === '' || pttl === -2) return { holder: null, ttlMs: 0 };
    if (holder !== undefined && holder !== value) return { holder: null, ttlMs: 0 };
    holder = value;
    if (pttl >= 0) ttlMs = Math.min(ttlMs, pttl);
  }
  return { holder: holder ?? null, ttlMs: holder ? ttlMs : 0 };
}

/**
 * Decides an inspection from the readings seen so far (pure). Each node read its keys at
 * some instant after the read began, so a key it reports with PTTL p lives until at
 * least start + p; with `elapsedMs` gone since the start, a lock seen on a quorum lives
 * at least (quorum-th largest p) - elapsedMs - drift more.
 */
export function decideInspection(
  resources: readonly string[],
  membershipSize: number,
  readings: ReadonlyMap<number, NodeReading>,
  errors: ReadonlyMap<number, Error>,
  elapsedMs: number,
  driftFactor: number,
): Inspection {
  const quorum = quorumSize(membershipSize);
  const ttlsByHolder = new Map<string, number[]>();
  let nodesFree = 0;
  for (const reading of readings.values()) {
    if (reading.holder === null) {
      nodesFree += 1;
      continue;
    }
    const ttls = ttlsByHolder.get(reading.holder) ?? [];
    ttls.push(reading.ttlMs);
    ttlsByHolder.set(reading.holder, ttls);
  }
  let nodesHolding = 0;
  let heldForMs = 0;
  for (const ttls of ttlsByHolder.values()) {
    nodesHolding = Math.max(nodesHolding, ttls.length);
    if (ttls.length < quorum) continue;
    // At least `quorum` nodes hold it for this long: the quorum-th largest TTL.
    const quorumTtlMs = [...ttls].sort((a, b) => b - a)[quorum - 1] ?? 0;
    const leftMs = quorumTtlMs === Number.POSITIVE_INFINITY ? quorumTtlMs : quorumTtlMs - elapsedMs - driftMs(quorumTtlMs, driftFactor);
    heldForMs = Math.max(heldForMs, leftMs);
  }
  const base = { resources, nodesHolding, nodesFree, membershipSize, quorumSize: quorum, errors };
  if (heldForMs > 0) return { ...base, state: 'held', heldForMs };
  // Any two quorums intersect: once more than N - Q nodes hold no single lock, none can hold a quorum.
  if (nodesFree > membershipSize - quorum) return { ...base, state: 'free', heldForMs: 0 };
  return { ...base, state: 'unknown', heldForMs: 0 };
}

/** The library's one fan-out, as inspect() needs it: every node's reply judged, none retried. */
export interface InspectFanOut {
  (script: Script, keys: readonly string[], judge: (reply: unknown, node: { readonly index: number }) => { value: NodeReading } | Error): Promise<{
    readonly decision: 'for' | 'against';
    /** The answers counted when the read was decided, by node index. */
    readonly outcomes: ReadonlyMap<number, { readonly node: number; readonly error?: Error }>;
    /** Resolves once every node has answered or timed out. */
    readonly all: Promise<readonly { readonly node: number; readonly error?: Error }[]>;
  }>;
}

/** What inspect() takes from the Redlock that runs it. */
export interface InspectPieces {
  readonly membershipSize: number;
  readonly driftFactor: number;
  /** Monotonic ms: the Redlock's own clock. */
  readonly clock: () => number;
  readonly fanOut: InspectFanOut;
}

/**
 * Reads every resource's value and PTTL on every node (one read-only script, no retry)
 * and decides at a quorum. As soon as a quorum has answered the read is decided if it
 * shows the lock held or free; only an undecided read waits for the remaining nodes
 * (each at most the node timeout).
 *
 * The race it cannot escape: the answer describes the moment of the read. `free` does
 * not reserve anything (another client may acquire the lock right after), and `held`
 * ends early when the holder releases. Only `acquire()` decides who holds a lock.
 */
export async function inspectResources(resources: readonly string[], pieces: InspectPieces): Promise<Inspection> {
  const startMs = pieces.clock();
  const readings = new Map<number, NodeReading>();
  const judge = (reply: unknown, node: { readonly index: number }): { value: NodeReading } | Error => {
    const reading = parseReading(reply, resources.length);
    if (reading instanceof Error) return reading;
    readings.set(node.index, reading);
    return { value: reading };
  };
  const errorsOf = (outcomes: readonly { readonly node: number; readonly error?: Error }[]): Map<number, Error> =>
    new Map(outcomes.flatMap((outcome) => (outcome.error ? [[outcome.node, outcome.error] as const] : [])));
  const votes = await pieces.fanOut(INSPECT, resources, judge);
  if (votes.decision === 'for') {
    const early = decideInspection(resources, pieces.membershipSize, new Map(readings), errorsOf([...votes.outcomes.values()]), pieces.clock() - startMs, pieces.driftFactor);
    if (early.state !== 'unknown') return early;
  }
  const all = await votes.all;
  return decideInspection(resources, pieces.membershipSize, readings, errorsOf(all), pieces.clock() - startMs, pieces.driftFactor);
}
