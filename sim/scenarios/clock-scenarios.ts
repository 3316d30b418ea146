import { clockJump, clockRate } from '../nemesis/index.js';
import { arbiterNode, kleppmannGroups, kleppmannLayout, repeated } from './helpers.js';
import { WHOLE_RUN } from './schedule.js';
import type { Scenario } from './types.js';

// Clock faults are emulated on the keys (see sim/nemesis/clock-shave.ts): a jump of J ms
// shortens every lock key's TTL on the node by J; a rate r shaves (r - 1) x tick per tick.

// Kleppmann's whole story needs the older holder's write to arrive after the newer
// holder's: holds from very short to long make that common (with 200-600 ms holds the
// newer holder almost never wrote first, so the fence had nothing to reject).
const STORY_HOLD_MS = [20, 600] as const;

export const clockJumpScenario: Scenario = {
  id: 'clock-jump',
  fault: 'wall clock of the arbiter jumps 1 TTL forward, 3-key holders',
  assumption: 'breaks',
  description: "Kleppmann's example: node 2's clock jumps forward, its keys expire early, and the other group takes a lock that is still held. Fencing keeps stale writes out.",
  groups: kleppmannGroups(STORY_HOLD_MS),
  nemeses: (params) => [
    kleppmannLayout(params),
    {
      nemesis: clockJump({ node: arbiterNode(params), jumpMs: params.ttlMs }),
      schedule: repeated(params, [50, 100], [0.3 * params.ttlMs, 0.6 * params.ttlMs], { tailMs: 300 }),
    },
  ],
  expected: () => ({ locks: 'unsafe', liveness: { minAcquisitionsPerS: 2 } }),
};

export const clockRateSlight: Scenario = {
  id: 'clock-rate-x1.005',
  fault: "arbiter's clock runs x1.005, 3-key holders",
  assumption: 'within',
  description: "Node 2's clock runs 0.5% fast, inside the drift allowance (driftFactor 0.01): validity already accounts for it.",
  groups: kleppmannGroups([300, 900]),
  nemeses: (params) => [kleppmannLayout(params), { nemesis: clockRate({ node: arbiterNode(params), rate: 1.005 }), schedule: WHOLE_RUN }],
  expected: () => ({ locks: 'safe', liveness: { minAcquisitionsPerS: 2 } }),
};

export const clockRateDouble: Scenario = {
  id: 'clock-rate-x2',
  fault: "arbiter's clock runs x2, 3-key holders",
  assumption: 'breaks',
  description: "Node 2's clock runs twice as fast: its keys live half their TTL, far outside the drift allowance, and the other group takes locks that are still held. Fencing keeps stale writes out.",
  groups: kleppmannGroups([300, 900]),
  nemeses: (params) => [kleppmannLayout(params), { nemesis: clockRate({ node: arbiterNode(params), rate: 2 }), schedule: WHOLE_RUN }],
  expected: () => ({ locks: 'unsafe', liveness: { minAcquisitionsPerS: 2 } }),
};
