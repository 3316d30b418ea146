import { clientPauseAcquire, clientPauseHold, controlNoValidityCheck } from './client-scenarios.js';
import { clockJumpBack, clockJumpPartial, clockJumpScenario, clockRateDouble, clockRateSlight } from './clock-scenarios.js';
import { controlLongCriticalSection, controlPlainDelRelease } from './control-scenarios.js';
import {
  latencyMajority,
  latencyMinority,
  oneWayLossScenario,
  partitionAsymmetric,
  partitionMajority,
  partitionMinority,
  resetsScenario,
} from './network-scenarios.js';
import { crashDelayedRestart, crashFsyncAlways, crashImmediateRestart, nodePauseScenario, partitionCrash, rollingRestart } from './node-scenarios.js';
import type { Scenario } from './types.js';

const baseline: Scenario = {
  id: 'baseline',
  fault: 'none',
  assumption: 'within',
  description: 'No fault: every worker contends on the same resources through healthy proxies.',
  groups: [{ variant: 'correct', fenced: true }],
  nemeses: () => [],
  expected: () => ({ locks: 'safe', liveness: { minAcquisitionsPerS: 50 } }),
};

/** Every scenario of FAULTS.md, in its order, then the negative controls. */
export const CATALOG: readonly Scenario[] = [
  baseline,
  latencyMinority,
  latencyMajority,
  partitionMinority,
  partitionMajority,
  partitionAsymmetric,
  oneWayLossScenario,
  resetsScenario,
  nodePauseScenario,
  crashDelayedRestart,
  rollingRestart,
  crashFsyncAlways,
  crashImmediateRestart,
  partitionCrash,
  clockJumpScenario,
  clockJumpPartial,
  clockJumpBack,
  clockRateSlight,
  clockRateDouble,
  clientPauseAcquire,
  clientPauseHold,
  controlNoValidityCheck,
  controlPlainDelRelease,
  controlLongCriticalSection,
];

/** The client groups the largest scenario needs (the testbed is started with this many). */
export const CATALOG_GROUPS_MAX = Math.max(...CATALOG.map((scenario) => scenario.groups.length));

/** Scenarios by id (all when none given); a RangeError lists the known ids when one is unknown. */
export function selectScenarios(ids: readonly string[]): Scenario[] {
  if (ids.length === 0) return [...CATALOG];
  return ids.flatMap((id) => {
    const exact = CATALOG.filter((candidate) => candidate.id === id);
    // "clock-rate" names both of its rows (x1.009 and x2).
    const found = exact.length > 0 ? exact : CATALOG.filter((candidate) => candidate.id.startsWith(`${id}-`));
    if (found.length === 0) throw new RangeError(`unknown scenario "${id}"; known: ${CATALOG.map((s) => s.id).join(', ')}`);
    return found;
  });
}
