import { asymmetricPartition, latency, oneWayLoss, partition, resets } from '../nemesis/index.js';
import { repeated, pickNodes } from './helpers.js';
import type { ScheduleSpec } from './schedule.js';
import type { Scenario } from './types.js';

const CORRECT_FENCED = [{ variant: 'correct', fenced: true }] as const;

// latency-minority: the slowed nodes' latency range, drawn from the seed.
const MINORITY_LATENCY_MS = [120, 180] as const;
// Acquisitions inside its windows decided by the fast nodes alone, at least.
const DECIDED_FAST_MIN = 10;
// partition-minority: acquisitions inside its windows, at least.
const MINORITY_SERVED_MIN = 10;

export const latencyMinority: Scenario = {
  id: 'latency-minority',
  fault: 'latency 120-180 ms on 2 nodes',
  assumption: 'within',
  description: "Two nodes answer slowly, beyond the library's per-node timeout; the quorum decides without waiting for them. The latency is drawn from the seed and has no Toxiproxy jitter (its jitter is not seeded).",
  groups: CORRECT_FENCED,
  nemeses: (params, random) => [
    {
      nemesis: latency({ nodes: pickNodes(random, params.nodes, 2), latencyMs: random.int(MINORITY_LATENCY_MS[0], MINORITY_LATENCY_MS[1]), jitterMs: 0 }),
      schedule: repeated(params, [params.runMs * 0.25, params.runMs * 0.35], [200, 500], { tailMs: 200 }),
    },
  ],
  // Stragglers are not awaited: acquisitions inside the windows that took less than the
  // smallest injected latency were decided by the fast nodes alone. (A p50 bound in ms was
  // a bound on the machine: under contention the fast nodes do not always agree, those
  // acquisitions wait for the slow nodes' timeout, and the mix moved the p50 past it when
  // the machine was loaded.)
  expected: () => ({
    locks: 'safe',
    effects: [
      { kind: 'unreachable-during', fault: 'latency' },
      { kind: 'acquired-during', fault: 'latency', maxMs: MINORITY_LATENCY_MS[0], min: DECIDED_FAST_MIN },
    ],
    liveness: { minAcquisitionsPerS: 30 },
  }),
};

export const latencyMajority: Scenario = {
  id: 'latency-majority',
  fault: 'latency 0.5 x TTL, then 0.99 x TTL, on 3 nodes',
  assumption: 'within',
  description:
    'Three nodes answer after a large part of the TTL; the elapsed time is subtracted, so validity shrinks and acquisitions fail for lack of it. Two magnitudes in turn, so that both a tight and a hopeless validity are seen.',
  // The per-node timeout must exceed the latency (with room for a loaded machine), or the
  // slow nodes would simply vote against. No retries: an acquire is one attempt, so one
  // that reached its quorum too late is the acquire's outcome (with a retry, the attempt
  // after the heal succeeds and hides it; a fenced acquire takes one round trip since
  // the token is proposed with it, so the 0.5 x TTL window leaves validity to spare).
  groups: [{ variant: 'correct', fenced: true, nodeTimeoutMs: 1500, retryCount: 0 }],
  // Each window must hold a few acquisitions of about a TTL each.
  minRunMs: (params) => 8 * params.ttlMs,
  nemeses: (params, random) => {
    const nodes = pickNodes(random, params.nodes, Math.floor(params.nodes / 2) + 1);
    // Each magnitude has its slot in every run-length period, so that a row still without
    // its evidence at its duration sees both again until its bound. The 0.99 x TTL slot is
    // the longer: a validity failure needs a fresh attempt that meets no other attempt's
    // key on the slow nodes, and as the latency begins every loop is inside a release or a
    // take-back that now lasts a TTL, so the first fresh attempts come about a TTL in, and
    // those begun less than a TTL before the heal succeed when it comes. In slots of 0.3 of
    // the run (2.4 TTL in the short run) a loaded machine saw 0 or 1 such failures in some
    // slots, and once none in the row's one slot, with no further slot in 22 s.
    const slot = (startShare: number, lengthShare: number): ScheduleSpec => ({
      firstStartMs: [params.runMs * startShare, params.runMs * (startShare + 0.03)],
      durationMs: [params.runMs * lengthShare, params.runMs * lengthShare],
      gapMs: [params.runMs * (1 - lengthShare), params.runMs * (1 - lengthShare)],
      tailMs: 200,
      maxWindows: 100,
    });
    return [
      { nemesis: latency({ nodes, latencyMs: Math.round(params.ttlMs * 0.5), jitterMs: 0 }), schedule: slot(0.05, 0.25) },
      // 0.99 x TTL is past TTL minus the drift allowance (0.988 x TTL at driftFactor 0.01),
      // so every quorum through these nodes comes too late, however fast the machine is;
      // at 0.95 x TTL a quiet machine left 38 ms of validity and no failure was seen.
      { nemesis: latency({ nodes, latencyMs: Math.round(params.ttlMs * 0.99), jitterMs: 0 }), schedule: slot(0.45, 0.45) },
    ];
  },
  expected: () => ({
    locks: 'safe',
    effects: [{ kind: 'validity-failures' }, { kind: 'slower-during', fault: 'latency', min: 2 }],
    liveness: {},
  }),
};

export const partitionMinority: Scenario = {
  id: 'partition-minority',
  fault: 'black hole on 2 nodes',
  assumption: 'within',
  description: 'Two nodes are black-holed (timeout toxic, both streams); the majority keeps the service up.',
  groups: CORRECT_FENCED,
  nemeses: (params, random) => [
    {
      nemesis: partition({ nodes: pickNodes(random, params.nodes, Math.floor((params.nodes - 1) / 2)) }),
      schedule: repeated(params, [params.runMs * 0.25, params.runMs * 0.35], [300, 600], { tailMs: 300 }),
    },
  ],
  // "Still available" is acquisitions inside the windows. (A share of attempts that succeed
  // was a bound on the machine: most failures here are contention between the group's
  // workers, which a loaded machine's longer holds raise, and a longer window lowers it.)
  expected: () => ({
    locks: 'safe',
    effects: [
      { kind: 'unreachable-during', fault: 'partition' },
      { kind: 'acquired-during', fault: 'partition', min: MINORITY_SERVED_MIN },
    ],
    liveness: { minAcquisitionsPerS: 30 },
  }),
};

export const partitionMajority: Scenario = {
  id: 'partition-majority',
  fault: 'black hole on 3 nodes',
  assumption: 'within',
  description: 'Three nodes are black-holed: no quorum, so no acquisition may succeed; after the heal, service resumes within one TTL.',
  groups: CORRECT_FENCED,
  // One window of at least a TTL, and a quiet TTL after its heal to see the recovery.
  minRunMs: (params) => 4 * params.ttlMs,
  nemeses: (params, random) => [
    {
      nemesis: partition({ nodes: pickNodes(random, params.nodes, Math.floor(params.nodes / 2) + 1) }),
      schedule: repeated(params, [params.ttlMs, 1.5 * params.ttlMs], [params.ttlMs, 1.5 * params.ttlMs], { tailMs: params.ttlMs + 500 }),
    },
  ],
  expected: (params) => ({
    locks: 'safe',
    effects: [{ kind: 'unreachable-during', fault: 'partition' }],
    liveness: { noAcquireDuring: 'partition', recoverAfter: 'partition', recoverWithinMs: params.ttlMs },
  }),
};

export const partitionAsymmetric: Scenario = {
  id: 'partition-asymmetric',
  fault: 'group A reaches nodes 0-2, B 2-4',
  assumption: 'within',
  description: 'Each client group sees a different majority; the shared node arbitrates, so the groups exclude each other.',
  groups: [
    { variant: 'correct', fenced: true },
    { variant: 'correct', fenced: true },
  ],
  nemeses: (params) => {
    const middle = Math.floor(params.nodes / 2);
    const low = Array.from({ length: middle + 1 }, (_unused, index) => index);
    const high = Array.from({ length: params.nodes - middle }, (_unused, index) => middle + index);
    return [
      {
        nemesis: asymmetricPartition({ reach: [low, high] }),
        schedule: repeated(params, [params.runMs * 0.5, params.runMs * 0.6], [200, 400], { tailMs: 200, maxWindows: 1 }),
      },
    ];
  },
  expected: () => ({ locks: 'safe', effects: [{ kind: 'unreachable-during', fault: 'asymmetric-partition' }], liveness: { minAcquisitionsPerS: 30 } }),
};

export const oneWayLossScenario: Scenario = {
  id: 'one-way-loss',
  fault: 'replies lost from 2 nodes',
  assumption: 'within',
  description: "The downstream is black-holed: the SET is applied but its reply never comes; the key blocks that node until its TTL, never longer.",
  groups: CORRECT_FENCED,
  nemeses: (params, random) => [
    {
      // Two nodes (a minority): more replies lost, so more chances for a key to stay behind.
      nemesis: oneWayLoss({ nodes: pickNodes(random, params.nodes, 2), stream: 'downstream' }),
      schedule: repeated(params, [params.runMs * 0.2, params.runMs * 0.3], [300, 600], { tailMs: 300 }),
    },
  ],
  // The prediction "keys left behind block that node until TTL", measured on the nodes.
  expected: () => ({
    locks: 'safe',
    effects: [
      { kind: 'unreachable-during', fault: 'one-way-loss' },
      { kind: 'measured', fault: 'one-way-loss', key: 'keysLeftBehind', what: 'lock keys left behind on the lossy nodes (held by no quorum)' },
    ],
    liveness: { minAcquisitionsPerS: 20 },
  }),
};

export const resetsScenario: Scenario = {
  id: 'resets',
  fault: 'reset_peer, limit_data, slicer, bandwidth',
  assumption: 'within',
  description: 'Connections are reset, cut after a few bytes, sliced and throttled on one or two nodes at a time; a latency and availability cost only.',
  groups: CORRECT_FENCED,
  // One kind at a time, each in its own slot of the run: stacking toxics on one link can
  // wedge Toxiproxy's API (a toxic removal that never returns, Shopify/toxiproxy#558).
  nemeses: (params, random) => {
    const slot = (index: number): ScheduleSpec => ({
      firstStartMs: [params.runMs * (0.08 + 0.2 * index), params.runMs * (0.1 + 0.2 * index)],
      durationMs: [params.runMs * 0.12, params.runMs * 0.15],
      gapMs: [0, 0],
      tailMs: 200,
      maxWindows: 1,
    });
    return [
      { nemesis: resets({ kind: 'reset_peer', nodes: pickNodes(random, params.nodes, 1), timeoutMs: 50 }), schedule: slot(0) },
      { nemesis: resets({ kind: 'limit_data', nodes: pickNodes(random, params.nodes, 1), bytes: 2048 }), schedule: slot(1) },
      // No size variation: Toxiproxy draws it from its own, unseeded source.
      { nemesis: resets({ kind: 'slicer', nodes: pickNodes(random, params.nodes, 2), sizeVariationBytes: 0 }), schedule: slot(2) },
      { nemesis: resets({ kind: 'bandwidth', nodes: pickNodes(random, params.nodes, 1), rateKBps: 8 }), schedule: slot(3) },
    ];
  },
  expected: () => ({ locks: 'safe', effects: [{ kind: 'unreachable-during', fault: 'resets-reset_peer' }], liveness: { minAcquisitionsPerS: 20 } }),
};
