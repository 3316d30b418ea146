import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.js';
import { resolveSettings } from '../../sim/run/settings.js';
import { CATALOG, CATALOG_GROUPS_MAX } from '../../sim/scenarios/catalog.js';
import { startEmbeddedTestbed, type Testbed } from '../../sim/testbed/testbed.js';

// The short form of every scenario on one embedded testbed: the CI version of
// `redquorum sim --short`, with the same rules as the full run. Safe rows run a few
// seconds; unsafe rows run until they have caught 5 violations (and their controls), or
// their bound (SHORT_SETTINGS.unsafeBoundS), so a miss is a finding, not a coin toss. A
// fixed seed makes a failure reproducible with `redquorum sim <id> --short --seed 20240611`.
const SEED = 20_240_611;
const settings = resolveSettings({ seed: SEED, short: true });
// The longest row (an unsafe row at its bound) plus set-up, heal and the checkers.
const SCENARIO_TIMEOUT_MS = settings.unsafeBoundMs + 30_000;

describe('sim catalog, short form, embedded testbed', () => {
  let testbed: Testbed | undefined;
  let outDir = '';

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'redquorum-sim-'));
    testbed = await startEmbeddedTestbed({ nodes: 5, groups: CATALOG_GROUPS_MAX });
  });

  afterAll(async () => {
    await testbed?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  for (const scenario of CATALOG) {
    it(
      `${scenario.id} matches the spec's prediction`,
      async () => {
        if (!testbed) throw new Error('the testbed did not start');
        const result = await runScenario(testbed, scenario, { settings, outDir: join(outDir, scenario.id) });
        const { observed, judgement, expected } = result;
        const context = `${scenario.id} (seed ${SEED}): ${JSON.stringify({ ...observed, problems: observed.problems.slice(0, 3) })}`;
        expect(observed.problems, context).toEqual([]);
        expect(observed.acquisitions, context).toBeGreaterThan(0);
        // The Kleppmann register never loses an update or accepts a stale write, whatever happens.
        for (const register of observed.registers.filter((r) => r.register === 'kleppmann')) expect(register.valid, context).toBe(true);
        if (expected.locks === 'safe') expect(observed.lockViolations, context).toBe(0);
        else expect(observed.lockViolations, context).toBeGreaterThanOrEqual(expected.minViolations ?? 5);
        if ((expected.tokens ?? 'ordered') === 'ordered') expect(observed.tokenRegressions, context).toBe(0);
        for (const kind of expected.controlsCaught ?? []) expect(observed.registers.find((r) => r.register === kind)?.valid, context).toBe(false);
        expect(judgement.reasons, context).toEqual([]);
        expect(judgement.status, context).toBe('pass');
      },
      SCENARIO_TIMEOUT_MS,
    );
  }
});
