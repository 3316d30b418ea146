import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, type ScenarioResult } from '../../sim/run/run-scenario.js';
import { resolveSettings } from '../../sim/run/settings.js';
import { WorkerPool } from '../../sim/run/worker-pool.js';
import { CATALOG, CATALOG_GROUPS_MAX } from '../../sim/scenarios/catalog.js';
import type { Scenario } from '../../sim/scenarios/types.js';
import { startEmbeddedTestbed, type Testbed } from '../../sim/testbed/testbed.js';

// The short form of every scenario: the CI version of `redquorum sim --short`, with the
// same rules as the full run. Every row runs its duration, then on until it has its
// evidence (targeted groups at their minimum, effects measured, named predictions seen;
// unsafe rows 5 violations and their controls), or its bound (settings.evidenceBoundMs),
// so a miss is a finding, not a coin toss. A fixed seed makes a failure reproducible with
// `redquorum sim <id> --short --seed 20240611`.
const SEED = 20_240_611;
const settings = resolveSettings({ seed: SEED, short: true });

// Two lanes, each a testbed of its own running its rows one after the other (a testbed
// is healed and flushed before each row): most of a row's time is waiting out TTLs, so
// the long rows (delayed restarts, latency of a TTL) run beside the short ones. Rows go
// to the lane with less planned time so far, in catalog order.
const LANES = 2;
// A row's time besides its workload: heal, flush, workers ready, checkers.
const ROW_OVERHEAD_MS = 1_500;
const plannedMs = (scenario: Scenario): number =>
  Math.max(settings.runMs, scenario.minRunMs?.({ ttlMs: settings.ttlMs, nodes: 5 }) ?? 0) + ROW_OVERHEAD_MS;
const laneOf = new Map<Scenario, number>();
{
  const totals = Array.from({ length: LANES }, () => 0);
  for (const scenario of [...CATALOG].sort((a, b) => plannedMs(b) - plannedMs(a))) {
    const lane = totals.indexOf(Math.min(...totals));
    laneOf.set(scenario, lane);
    totals[lane] = (totals[lane] ?? 0) + plannedMs(scenario);
  }
}
// The longest row (one at its bound) plus set-up, heal and the checkers; a row's test
// waits for the rows before it in its lane, each bounded the same way.
const ROW_BOUND_MS = settings.evidenceBoundMs + 30_000;
const rowTimeoutMs = (scenario: Scenario): number => {
  const lane = laneOf.get(scenario);
  return ROW_BOUND_MS * (CATALOG.filter((other) => laneOf.get(other) === lane).indexOf(scenario) + 1);
};

describe('sim catalog, short form, embedded testbeds', () => {
  const testbeds: Testbed[] = [];
  const results = new Map<Scenario, Promise<ScenarioResult>>();
  let outDir = '';
  const unmatched = new Set<string>();

  // The lanes start here and run in the background; each test waits for its own row.
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'redquorum-sim-'));
    for (let lane = 0; lane < LANES; lane += 1) testbeds.push(await startEmbeddedTestbed({ nodes: 5, groups: CATALOG_GROUPS_MAX }));
    const lanes: Promise<unknown>[] = testbeds.map(() => Promise.resolve());
    for (const scenario of CATALOG) {
      const lane = laneOf.get(scenario) ?? 0;
      const testbed = testbeds[lane] as Testbed;
      const result = (lanes[lane] ?? Promise.resolve())
        .catch(() => {})
        .then(() => runScenario(testbed, scenario, { settings, outDir: join(outDir, scenario.id), prepareNext: true }));
      // Read by the row's test; a rejection here is not unhandled, and the next row still runs.
      result.catch(() => {});
      lanes[lane] = result;
      results.set(scenario, result);
    }
  }, 120_000);

  afterAll(async () => {
    // Every row is done (or has failed) before the testbeds stop.
    await Promise.allSettled(results.values());
    await WorkerPool.releaseSpares();
    for (const testbed of testbeds) await testbed.stop();
    // A row that did not match keeps every row's histories for a look at what happened.
    if (unmatched.size === 0) rmSync(outDir, { recursive: true, force: true });
    else console.log(`histories of ${[...unmatched].join(', ')} kept in ${outDir}`);
  }, ROW_BOUND_MS);

  for (const scenario of CATALOG) {
    it(
      `${scenario.id} matches the spec's prediction`,
      async () => {
        const pending = results.get(scenario);
        if (!pending) throw new Error('the testbeds did not start');
        unmatched.add(scenario.id);
        const result = await pending;
        const { observed, judgement, expected } = result;
        const context = `${scenario.id} (seed ${SEED}): ${JSON.stringify({ ...observed, problems: observed.problems.slice(0, 3) })}`;
        // How near its bound the row came: the margin a loaded machine has before no-evidence.
        console.log(
          `${scenario.id}: ran ${(result.runMs / 1000).toFixed(1)} s of its ${(settings.evidenceBoundMs / 1000).toFixed(0)} s bound ` +
            `(evidence length ${(result.evidenceRunMs / 1000).toFixed(1)} s), ${result.stoppedEarly ? 'stopped on its evidence' : 'reached the bound'}, ${observed.faultWindows} fault windows`,
        );
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
        unmatched.delete(scenario.id);
      },
      rowTimeoutMs(scenario),
    );
  }
});
