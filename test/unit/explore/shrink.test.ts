import { describe, expect, it } from 'vitest';
import { IDEAL_CLOCK } from '../../../sim/explore/clock-model.js';
import type { Fault, Scenario } from '../../../sim/explore/scenario.js';
import { decodeScenario, encodeScenario, ScenarioFormatError } from '../../../sim/explore/scenario-codec.js';
import { shrink, withoutClient } from '../../../sim/explore/shrink.js';
import { generateScenario } from '../../../sim/explore/swarm.js';
import { judge } from '../../../sim/explore/verdict.js';
import { runScenario } from '../../../sim/explore/world.js';

const crash: Fault = { kind: 'crash', atMs: 500, node: 1, downMs: 3, persistence: 'none' };

describe('explore shrinking', () => {
  it('reduces to exactly what the failure needs (a pure predicate: one empty crash, two clients)', async () => {
    const big = generateScenario(9, { mode: 'swarm', ops: 2000 });
    const start: Scenario = { ...big, faults: [...big.faults, crash, ...big.faults], clients: ['correct', 'correct', 'correct', 'correct', 'correct'] };
    const fails = async (s: Scenario): Promise<boolean> => s.clients.length >= 2 && s.faults.some((f) => f.kind === 'crash' && f.persistence === 'none' && f.downMs < s.ttlMs);
    const result = await shrink(start, fails, { runsMax: 2000 });
    expect(result.scenario.clients).toHaveLength(2);
    expect(result.scenario.faults).toHaveLength(1);
    expect(result.scenario.faults[0]).toMatchObject({ kind: 'crash', persistence: 'none' });
    expect(result.scenario.opsPerClient).toBe(1);
    expect(result.scenario.resources).toBe(1);
    expect(result.scenario.nodeClocks.every((c) => c === IDEAL_CLOCK)).toBe(true);
    expect(result.tries).toBeLessThan(2000);
  });

  it('keeps a candidate only if it still fails: a scenario that does not fail is returned as it is', async () => {
    const start = generateScenario(9, { mode: 'swarm', ops: 200 });
    const result = await shrink(start, async () => false, { runsMax: 50 });
    expect(result.scenario).toBe(start);
    expect(result.steps).toBe(0);
  });

  it('a real counterexample shrinks to a small one that still fails when replayed from its encoding', async () => {
    // The first dual holder of `explore --seed 5 --ops-per-run 40 --faults clock-jump,partition`.
    const found = generateScenario(3429834758, { mode: 'swarm', ops: 40, kinds: ['clock-jump', 'partition'] });
    expect(judge(await runScenario(found)).anomalies.has('dual-holder')).toBe(true);
    const fails = async (s: Scenario): Promise<boolean> => judge(await runScenario(s)).anomalies.has('dual-holder');
    const result = await shrink(found, fails, { runsMax: 50 });
    expect(result.scenario.faults.length).toBeLessThanOrEqual(2);
    expect(result.scenario.faults.some((f) => f.kind === 'clock-jump' && f.jumpMs > 0)).toBe(true);
    expect(result.scenario.clients.length).toBeLessThanOrEqual(3);
    const replayed = decodeScenario(encodeScenario(result.scenario));
    expect(replayed).toEqual(result.scenario);
    expect(judge(await runScenario(replayed)).anomalies.has('dual-holder')).toBe(true);
  });

  it('dropping a client drops its faults and renumbers the later ones, keeping their stream ids', () => {
    const s: Scenario = {
      ...generateScenario(1, { mode: 'swarm', ops: 30 }),
      clients: ['correct', 'correct', 'correct'],
      clientClocks: [IDEAL_CLOCK, IDEAL_CLOCK, IDEAL_CLOCK],
      faults: [
        { kind: 'client-pause', atMs: 1, client: 1, durationMs: 5 },
        { kind: 'client-pause', atMs: 2, client: 2, durationMs: 5 },
      ],
    };
    const dropped = withoutClient(s, 1);
    expect(dropped?.clients).toHaveLength(2);
    expect(dropped?.clientIds).toEqual([0, 2]);
    expect(dropped?.faults).toEqual([{ kind: 'client-pause', atMs: 2, client: 1, durationMs: 5 }]);
  });

  it('a replay text is checked field by field', () => {
    const good = encodeScenario(generateScenario(3, { mode: 'within', ops: 10 }));
    expect(() => decodeScenario('v2.abc')).toThrow(ScenarioFormatError);
    const bad = { ...decodeScenario(good), ttlMs: 5 };
    expect(() => decodeScenario(encodeScenario(bad))).toThrow(/ttlMs must be a number from 10 to 60000, got 5/);
    const badFault = { ...decodeScenario(good), faults: [{ kind: 'crash', atMs: 1, node: 99, downMs: 1, persistence: 'none' }] } as unknown as Scenario;
    expect(() => decodeScenario(encodeScenario(badFault))).toThrow(/faults\[0\]\.node must be a number from 0 to/);
  });
});
