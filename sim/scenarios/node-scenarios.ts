import { crash, nodePause } from '../nemesis/index.js';
import { arbiterNode, kleppmannGroups, kleppmannLayout, pickNodes, repeated } from './helpers.js';
import type { Scenario } from './types.js';

// Holders in Kleppmann's layout keep the lock for a good part of the TTL, inside their
// validity, so that the arbiter's crash lands while locks are held.
const LONG_HOLD_MS = [200, 600] as const;

export const nodePauseScenario: Scenario = {
  id: 'node-pause',
  fault: 'SIGSTOP 1 node for 1.5 x TTL',
  assumption: 'within',
  description: 'One redis-server is stopped longer than the TTL, then continued: it acts as a long delay, and its keys expire the moment it resumes.',
  groups: [{ variant: 'correct', fenced: true }],
  nemeses: (params, random) => {
    const pauseMs = Math.round(1.5 * params.ttlMs);
    return [
      {
        nemesis: nodePause({ node: pickNodes(random, params.nodes, 1)[0] ?? 0, pauseMs }),
        schedule: repeated(params, [pauseMs, pauseMs], [300, 600], { tailMs: 300 }),
      },
    ];
  },
  expected: () => ({ locks: 'safe', liveness: { minAcquisitionsPerS: 20 } }),
};

export const crashDelayedRestart: Scenario = {
  id: 'crash-delayed-restart',
  fault: 'kill -9 1 node, restart after 1.5 x TTL',
  assumption: 'within',
  description: "One node is killed and comes back empty only after more than the max TTL (the spec's delayed restart): every lock it had has expired everywhere by then.",
  groups: [{ variant: 'correct', fenced: true }],
  nemeses: (params, random) => {
    const delayMs = Math.round(1.5 * params.ttlMs);
    return [
      {
        nemesis: crash({ node: pickNodes(random, params.nodes, 1)[0] ?? 0, restart: 'delayed', delayMs, persistence: 'none' }),
        schedule: repeated(params, [delayMs, delayMs + 200], [300, 600], { tailMs: 300 }),
      },
    ];
  },
  expected: () => ({ locks: 'safe', liveness: { minAcquisitionsPerS: 20 } }),
};

export const crashFsyncAlways: Scenario = {
  id: 'crash-fsync-always',
  fault: 'kill -9 the arbiter (AOF, fsync always), restart at once, 3-key holders',
  assumption: 'within',
  description: 'The same crash as crash-immediate-restart, in the same 3-key layout, but the node runs appendonly yes + appendfsync always: it comes back with every key, so nothing breaks.',
  groups: kleppmannGroups(LONG_HOLD_MS),
  nemeses: (params) => [
    kleppmannLayout(params),
    {
      nemesis: crash({ node: arbiterNode(params), restart: 'immediate', persistence: 'aof-always' }),
      schedule: repeated(params, [100, 200], [0.4 * params.ttlMs, 0.8 * params.ttlMs], { tailMs: 300 }),
    },
  ],
  expected: () => ({ locks: 'safe', liveness: { minAcquisitionsPerS: 2 } }),
};

export const crashImmediateRestart: Scenario = {
  id: 'crash-immediate-restart',
  fault: 'kill -9 the arbiter (no persistence), restart at once, 3-key holders',
  assumption: 'breaks',
  description: "Holders have exactly 3 keys (group A on nodes 0-2, B on 2-4); node 2 is killed and restarted empty at once, so the other group takes a lock that is still held: the spec's own counterexample. Fencing keeps stale writes out.",
  groups: kleppmannGroups(LONG_HOLD_MS),
  nemeses: (params) => [
    kleppmannLayout(params),
    {
      nemesis: crash({ node: arbiterNode(params), restart: 'immediate', persistence: 'none' }),
      schedule: repeated(params, [100, 200], [0.4 * params.ttlMs, 0.8 * params.ttlMs], { tailMs: 300 }),
    },
  ],
  expected: () => ({ locks: 'unsafe', liveness: { minAcquisitionsPerS: 2 } }),
};
