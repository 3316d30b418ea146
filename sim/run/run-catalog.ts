import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtmlReport, type ReportScenario, type VerdictRow } from '../report/index.js';
import type { Scenario } from '../scenarios/types.js';
import type { Testbed } from '../testbed/testbed.js';
import { exitCodeFor, type VerdictStatus } from './judge.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import { toVerdictRow } from './verdict-row.js';
import type { RunSettings } from './worker-plan.js';

export interface CatalogOptions {
  readonly settings: RunSettings;
  /** Histories go to <outDir>/<scenario>/, the report to <outDir>/report.html. */
  readonly outDir: string;
  /** The command line, shown in the report so the run can be reproduced. */
  readonly command: string;
  readonly onScenarioStart?: (scenario: Scenario, index: number) => void;
  /** Share of the whole catalog done (0 to 1). */
  readonly onProgress?: (share: number, scenario: Scenario) => void;
}

export interface CatalogResult {
  readonly results: readonly ScenarioResult[];
  readonly rows: readonly VerdictRow[];
  readonly statuses: readonly VerdictStatus[];
  /** See exitCodeFor: 0 match, 1 safety mismatch, 2 liveness mismatch, 3 harness crash. */
  readonly exitCode: 0 | 1 | 2 | 3;
  readonly reportPath: string;
  /** Scenarios that could not run at all, with why (they count as harness crashes). */
  readonly crashed: ReadonlyArray<{ readonly scenario: Scenario; readonly error: string }>;
}

/**
 * Runs scenarios one after the other on one testbed (runScenario heals and flushes it
 * before each), then writes the HTML report. A scenario that cannot run is a harness
 * crash row, and the others still run.
 */
export async function runCatalog(testbed: Testbed, scenarios: readonly Scenario[], options: CatalogOptions): Promise<CatalogResult> {
  mkdirSync(options.outDir, { recursive: true });
  const results: ScenarioResult[] = [];
  const rows: VerdictRow[] = [];
  const statuses: VerdictStatus[] = [];
  const crashed: { scenario: Scenario; error: string }[] = [];
  const reportScenarios: ReportScenario[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    options.onScenarioStart?.(scenario, index);
    try {
      const result = await runScenario(testbed, scenario, {
        settings: options.settings,
        outDir: join(options.outDir, scenario.id),
        onProgress: (share) => options.onProgress?.((index + share) / scenarios.length, scenario),
      });
      const row = toVerdictRow(result);
      results.push(result);
      rows.push(row);
      statuses.push(result.judgement.status);
      reportScenarios.push({ name: scenario.id, description: scenario.description, row, history: result.history, checks: result.checks });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      crashed.push({ scenario, error: message });
      statuses.push('harness-crash');
      rows.push(crashRow(scenario, message));
    }
    options.onProgress?.((index + 1) / scenarios.length, scenario);
  }
  const reportPath = join(options.outDir, 'report.html');
  writeFileSync(
    reportPath,
    renderHtmlReport({ seed: options.settings.seed, command: options.command, generatedAt: new Date().toISOString(), scenarios: reportScenarios }),
  );
  return { results, rows, statuses, exitCode: exitCodeFor(statuses), reportPath, crashed };
}

function crashRow(scenario: Scenario, error: string): VerdictRow {
  return {
    scenario: scenario.id,
    faults: scenario.fault,
    acquisitions: 0,
    lockViolations: 'unknown',
    tokenRegressions: 'unknown',
    lostUpdates: 'unknown',
    staleWritesAccepted: 'unknown',
    staleWritesRejected: 'unknown',
    controls: null,
    detection: null,
    availability: null,
    acquireLatencyP50Ms: null,
    acquireLatencyP99Ms: null,
    expected: '',
    observed: `harness-crash: ${error}`,
    pass: false,
  };
}
