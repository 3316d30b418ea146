import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../../sim/history/types.js';
import { judge } from '../../../sim/run/judge.js';
import { observe } from '../../../sim/run/observe.js';
import { selectScenarios } from '../../../sim/scenarios/catalog.js';
import type { Scenario } from '../../../sim/scenarios/types.js';
import { busyRun } from '../sim/sample-runs.js';

const PARAMS = { ttlMs: 1000, runMs: 8000, nodes: 5, workersPerGroup: [1, 1, 2] };

function verdict(scenario: Scenario, history: readonly HistoryEvent[], applied: { name: string; startMs: number; endMs: number; healedMs: number }[] = []) {
  const expected = scenario.expected(PARAMS);
  const kleppmannGroups = new Set(scenario.groups.map((_g, index) => index));
  const { observed } = observe({
    history,
    groupCount: scenario.groups.length,
    registers: [{ register: 'kleppmann', groups: kleppmannGroups, finalCounter: undefined }],
    snapshot: [],
    ttlMs: 1000,
    runMs: PARAMS.runMs,
    applied,
    expected,
    targetFault: scenario.targetFault,
    problems: [],
  });
  return judge(expected, observed, scenario.groups);
}

function only(id: string): Scenario {
  const [scenario] = selectScenarios([id]);
  if (scenario === undefined) throw new Error(`no scenario ${id}`);
  return scenario;
}

// Issue finding 4, as histories: rows that passed with no evidence must not pass now.
describe('rows without evidence', () => {
  it('latency-majority does not pass on an empty history', () => {
    const judgement = verdict(only('latency-majority'), []);
    expect(judgement.status).toBe('no-evidence');
    expect(judgement.reasons.join('; ')).toMatch(/no validity left = 0/);
  });

  it('crash-fsync-always does not pass with every operation of the two targeted groups deleted', () => {
    // A busy, clean history from the third (unfaulted) group only.
    const third = busyRun({ seed: 4, durationMs: 8000, resources: 4, workers: 6 }).events.map((event) => (event.kind === 'op' ? { ...event, group: 2 } : event));
    const judgement = verdict(only('crash-fsync-always'), third, [{ name: 'crash-immediate', startMs: 2000, endMs: 2100, healedMs: 2100 }]);
    expect(judgement.status).toBe('no-evidence');
    expect(judgement.reasons.join('; ')).toMatch(/group 0 \(the targeted one\) made 0 acquisitions/);
    expect(judgement.reasons.join('; ')).toMatch(/group 1 \(the targeted one\) made 0 acquisitions/);
  });

  it('clock-rate-x1.009 does not pass with the targeted groups deleted either', () => {
    const third = busyRun({ seed: 5, durationMs: 8000, resources: 4, workers: 6 }).events.map((event) => (event.kind === 'op' ? { ...event, group: 2 } : event));
    expect(verdict(only('clock-rate-x1.009'), third).status).toBe('no-evidence');
  });
});
