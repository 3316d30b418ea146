import type { CatalogResult } from './run-catalog.js';

/** The format version of `--json`; bumped when a field changes meaning. */
export const CATALOG_JSON_VERSION = 1;

/**
 * Everything a run counted, for CI and other tools (`redquorum sim --json FILE`): per
 * scenario its verdict, the reasons, what the spec expected, every observed count (lock
 * violations, token regressions, each register's lost updates, stale writes accepted and
 * rejected by cause, acquisitions per group, effects, detection power, availability,
 * latency) and the fault schedule as it happened (with the trigger of each reactive
 * fault). Plain data: no history (that is in the histories folder).
 */
export function catalogJson(result: CatalogResult, meta: { readonly seed: number; readonly command: string }): string {
  return `${JSON.stringify(
    {
      version: CATALOG_JSON_VERSION,
      seed: meta.seed,
      command: meta.command,
      exitCode: result.exitCode,
      scenarios: [
        ...result.results.map((r) => ({
          scenario: r.scenario.id,
          assumption: r.scenario.assumption,
          fault: r.scenario.fault,
          // The groups the fault targets: their acquisitions are the row's evidence.
          targetedGroups: r.scenario.groups.flatMap((group, index) => (group.minAcquisitionsPerS === undefined ? [] : [index])),
          status: r.judgement.status,
          pass: r.judgement.status === 'pass',
          reasons: r.judgement.reasons,
          runMs: r.runMs,
          stoppedEarly: r.stoppedEarly,
          expected: r.expected,
          observed: r.observed,
          faults: r.applied,
          notes: r.notes,
          historyPath: r.historyPath,
        })),
        ...result.crashed.map((c) => ({ scenario: c.scenario.id, assumption: c.scenario.assumption, status: 'harness-crash', pass: false, reasons: [c.error] })),
      ],
    },
    null,
    2,
  )}\n`;
}
