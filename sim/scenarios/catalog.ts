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

export const CATALOG: readonly Scenario[] = [baseline];
