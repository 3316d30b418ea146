import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOXIPROXY_RESTART } from '../../sim/run/harness-steps.js';
import { runScenario } from '../../sim/run/run-scenario.js';
import { resolveSettings } from '../../sim/run/settings.js';
import { toVerdictRow } from '../../sim/run/verdict-row.js';
import { renderVerdictTable } from '../../sim/report/index.js';
import { selectScenarios } from '../../sim/scenarios/catalog.js';
import { startEmbeddedTestbed, type Testbed } from '../../sim/testbed/testbed.js';

// A scenario whose toxiproxy-server hangs mid-run (SIGSTOP, as Shopify/toxiproxy#558 hangs
// its API): the runner's next Toxiproxy call times out, the server is restarted with every
// proxy, the run carries on, and the verdict says what happened.
const SEED = 5_150;
/** The bound on each Toxiproxy call, so the hang is noticed 2 s in (the lab's default is 5 s). */
const CALL_TIMEOUT_MS = 2_000;

describe('a scenario survives a hung toxiproxy-server, and says so', () => {
  let testbed: Testbed | undefined;
  let outDir = '';
  let stoppedPid: number | undefined;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'redquorum-sim-hang-'));
    testbed = await startEmbeddedTestbed({ nodes: 5, groups: 1, toxiproxyCallTimeoutMs: CALL_TIMEOUT_MS });
  });
  afterAll(async () => {
    if (stoppedPid !== undefined) {
      try {
        process.kill(stoppedPid, 'SIGCONT');
      } catch {
        // Killed by the restart, as expected.
      }
    }
    await testbed?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('restarts it, carries on, judges safety as usual, and notes the restart in the verdict', async () => {
    if (!testbed) throw new Error('the testbed did not start');
    const bed = testbed;
    const [scenario] = selectScenarios(['partition-minority']);
    if (!scenario) throw new Error('partition-minority is missing');
    // Long enough that the run goes on after the hang (CALL_TIMEOUT_MS) and the restart.
    const settings = resolveSettings({ seed: SEED, short: true, durationS: 10 });
    const result = await runScenario(bed, scenario, {
      settings,
      outDir: join(outDir, scenario.id),
      onProgress: (share) => {
        if (share >= 0.1 && stoppedPid === undefined && bed.toxiproxyPid !== undefined) {
          stoppedPid = bed.toxiproxyPid;
          process.kill(stoppedPid, 'SIGSTOP');
        }
      },
    });
    const context = JSON.stringify({ ...result.observed, notes: result.notes });
    expect(stoppedPid, 'the server was stopped during the run').toBeDefined();
    expect(result.toxiproxyRestarts.length, context).toBeGreaterThanOrEqual(1);
    expect(bed.toxiproxyPid).not.toBe(stoppedPid);
    expect(result.notes, context).toEqual([expect.stringMatching(/^harness: toxiproxy-server hung and was restarted \dx \(on nemesis partition (inject|heal)/)]);
    // The restart is in the history as a window of its own.
    const restartEvents = result.history.filter((event) => event.kind === 'fault' && event.name === TOXIPROXY_RESTART);
    expect(restartEvents.length).toBe(2 * result.toxiproxyRestarts.length);
    // The run carried on: acquisitions after the restart, safety judged as usual.
    const restartedMs = restartEvents[restartEvents.length - 1]?.timeMs ?? Infinity;
    const after = result.history.filter((event) => event.kind === 'op' && event.f === 'acquire' && event.type === 'ok' && event.timeMs > restartedMs);
    expect(after.length, context).toBeGreaterThan(50);
    expect(result.observed.problems, context).toEqual([]);
    expect(result.observed.lockViolations, context).toBe(0);
    expect(result.observed.tokenRegressions, context).toBe(0);
    expect(result.observed.registers.every((register) => register.valid === true), context).toBe(true);
    expect(result.judgement.safetyOk, context).toBe(true);
    // A minority partition is safe and live: the restart changes neither, so the verdict
    // is a pass, marked as one with a harness note.
    expect(result.judgement.status, context).toBe('pass');
    // The verdict row never hides it: "PASS*" and the note under the table.
    const row = toVerdictRow(result);
    expect(row.pass).toBe(true);
    expect(row.observed).toContain('toxiproxy-server hung and was restarted');
    const table = renderVerdictTable([row]);
    expect(table).toMatch(/partition-minority .*PASS\*\n/);
    expect(table).toContain('* harness notes:');
  }, 60_000);
});
