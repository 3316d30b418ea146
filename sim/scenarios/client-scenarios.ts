import { clientPause, latency } from '../nemesis/index.js';
import type { ClientVariant } from '../workload/worker-config.js';
import { allOf, repeated } from './helpers.js';
import { WHOLE_RUN } from './schedule.js';
import type { GroupSpec, Scenario, ScenarioParams, ScheduledNemesis } from './types.js';

// The paused workers' network is slowed so that most of their time is spent with an
// acquisition in flight: a pause then lands between the SETs and their replies.
const IN_FLIGHT_LATENCY_MS = 150;
// Each of them spends about half its time with an acquisition in flight, so 4 loops per
// paused process put about two acquisitions under every pause, even in the short run.
const PAUSED_LOOPS_PER_PROCESS = 4;

function pauseDuringAcquireGroups(variant: ClientVariant): GroupSpec[] {
  return [
    // Group 0: the clients that get paused. The naive client has no fencing token. Many
    // loops per process, so that each pause catches several acquisitions in flight.
    {
      variant,
      fenced: variant === 'correct',
      workerShare: 1,
      loops: PAUSED_LOOPS_PER_PROCESS,
      holdMs: [50, 100],
      thinkMs: [0, 0],
      nodeTimeoutMs: 3 * IN_FLIGHT_LATENCY_MS,
    },
    // Group 1: fast contenders on the same resources (the run's hold and think times),
    // which take the lock while group 0 sleeps.
    { variant: 'correct', fenced: variant === 'correct', workerShare: 1 },
  ];
}

function pauseDuringAcquireNemeses(params: ScenarioParams): ScheduledNemesis[] {
  const pauseMs = Math.round(1.3 * params.ttlMs);
  return [
    { nemesis: latency({ nodes: allOf(params.nodes), latencyMs: IN_FLIGHT_LATENCY_MS, groups: [0] }), schedule: WHOLE_RUN },
    {
      // Every worker of group 0 at once, so that at least one is mid-acquisition.
      nemesis: clientPause({ pauseMs, workers: allOf(params.workersPerGroup[0] ?? 1) }),
      schedule: repeated(params, [pauseMs, pauseMs], [300, 500], { tailMs: 200 }),
      workerGroups: [0],
    },
  ];
}

export const clientPauseAcquire: Scenario = {
  id: 'client-pause-acquire',
  fault: 'SIGSTOP clients mid-acquire for 1.3 x TTL',
  assumption: 'within',
  description: "Clients are stopped while their acquisition replies are in flight, longer than the TTL. On resume a spec-correct client finds the elapsed time exceeds the TTL and gives up (step 3 of the algorithm).",
  groups: pauseDuringAcquireGroups('correct'),
  nemeses: pauseDuringAcquireNemeses,
  expected: () => ({ locks: 'safe', liveness: { minAcquisitionsPerS: 10 } }),
};

export const controlNoValidityCheck: Scenario = {
  id: 'control-no-validity-check',
  fault: 'as client-pause-acquire, client without the validity check',
  assumption: 'control',
  description: 'Negative control for client-pause-acquire: a node-redlock-like client that never subtracts the elapsed time believes it holds a lock that expired while it was stopped. The lock checker must catch it.',
  runUntilViolations: true,
  groups: pauseDuringAcquireGroups('no-validity-check'),
  nemeses: pauseDuringAcquireNemeses,
  expected: () => ({ locks: 'unsafe', liveness: {} }),
};

export const clientPauseHold: Scenario = {
  id: 'client-pause-hold',
  fault: 'SIGSTOP clients inside the critical section for 1.5 x TTL',
  assumption: 'breaks',
  description: "A GC-like pause inside the critical section, longer than the TTL: the lock expires and others take it; the resumed client's write is stale. The fenced resource rejects it; the unfenced control loses updates.",
  groups: [
    // Groups 0 and 1 are paused; they spend most of their time inside the critical section.
    { variant: 'correct', fenced: true, pool: 'r', workerShare: 1, holdMs: [200, 500], thinkMs: [0, 0] },
    { variant: 'correct', fenced: false, pool: 'u', workerShare: 1, holdMs: [200, 500], thinkMs: [0, 0] },
    // Groups 2 and 3: contenders that keep writing while the others are stopped (the
    // run's hold and think times).
    { variant: 'correct', fenced: true, pool: 'r', workerShare: 1 },
    { variant: 'correct', fenced: false, pool: 'u', workerShare: 1 },
  ],
  nemeses: (params) => {
    const pauseMs = Math.round(1.5 * params.ttlMs);
    const paused = (params.workersPerGroup[0] ?? 1) + (params.workersPerGroup[1] ?? 1);
    return [
      {
        nemesis: clientPause({ pauseMs, workers: allOf(paused) }),
        schedule: repeated(params, [pauseMs, pauseMs], [300, 500], { tailMs: 300 }),
        workerGroups: [0, 1],
      },
    ];
  },
  // The lock checker ends a window at validity end, so it sees no overlap; the effects do.
  expected: () => ({ locks: 'safe', staleRejected: 'some', controlsCaught: ['none'], liveness: { minAcquisitionsPerS: 10 } }),
};
