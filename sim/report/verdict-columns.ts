import { formatCount, formatMs, formatPercent } from './format.js';
import type { VerdictRow } from './verdict-row.js';

/** One column of the verdict table; the text table and the HTML report share these. */
export interface VerdictColumn {
  readonly header: string;
  readonly align: 'left' | 'right';
  /** Free text that wraps in the text table. */
  readonly wrap: boolean;
  readonly cell: (row: VerdictRow) => string;
  /** Whether the cell deserves alarm colour: a safety count above zero, an unknown, a FAIL. */
  readonly alarm?: (row: VerdictRow) => boolean;
}

const isBad = (value: number | 'unknown' | null): boolean => value === 'unknown' || (typeof value === 'number' && value > 0);

/** The columns FAULTS.md "What a run reports" lists, in order. */
export const VERDICT_COLUMNS: readonly VerdictColumn[] = [
  { header: 'scenario', align: 'left', wrap: false, cell: (r) => r.scenario },
  { header: 'faults', align: 'left', wrap: true, cell: (r) => r.faults },
  {
    header: 'acquisitions',
    align: 'right',
    wrap: false,
    // "all (targeted)": the targeted groups' share is the evidence that the fault mattered.
    cell: (r) => {
      const targeted = (r.targetedGroups ?? []).map((g) => r.acquisitionsByGroup?.[g] ?? 0);
      return targeted.length === 0 ? String(r.acquisitions) : `${r.acquisitions} (${targeted.join('+')})`;
    },
  },
  { header: 'lock violations', align: 'right', wrap: false, cell: (r) => formatCount(r.lockViolations), alarm: (r) => isBad(r.lockViolations) },
  { header: 'token regressions', align: 'right', wrap: false, cell: (r) => formatCount(r.tokenRegressions), alarm: (r) => isBad(r.tokenRegressions) },
  { header: 'lost updates', align: 'right', wrap: false, cell: (r) => formatCount(r.lostUpdates), alarm: (r) => isBad(r.lostUpdates) },
  { header: 'stale accepted', align: 'right', wrap: false, cell: (r) => formatCount(r.staleWritesAccepted), alarm: (r) => isBad(r.staleWritesAccepted) },
  {
    header: 'stale rejected (late/regr/supersed)',
    align: 'right',
    wrap: false,
    cell: (r) =>
      r.rejectedByCause === undefined || r.staleWritesRejected === 'unknown' || r.staleWritesRejected === null
        ? formatCount(r.staleWritesRejected)
        : `${r.staleWritesRejected} (${r.rejectedByCause.validityEnded}/${r.rejectedByCause.regressionVictim}/${r.rejectedByCause.superseded})`,
  },
  { header: 'controls', align: 'left', wrap: true, cell: (r) => r.controls ?? '-' },
  { header: 'detection', align: 'right', wrap: false, cell: (r) => (r.detection === null ? '-' : `${r.detection.productive}/${r.detection.faults}`) },
  { header: 'avail %', align: 'right', wrap: false, cell: (r) => formatPercent(r.availability) },
  { header: 'p50 ms', align: 'right', wrap: false, cell: (r) => formatMs(r.acquireLatencyP50Ms) },
  { header: 'p99 ms', align: 'right', wrap: false, cell: (r) => formatMs(r.acquireLatencyP99Ms) },
  { header: 'expected', align: 'left', wrap: true, cell: (r) => r.expected },
  { header: 'observed', align: 'left', wrap: true, cell: (r) => r.observed },
  {
    header: 'verdict',
    align: 'left',
    wrap: false,
    // "*": the harness needed help during this run (see the notes under the table).
    cell: (r) => `${r.pass ? 'PASS' : 'FAIL'}${(r.notes?.length ?? 0) > 0 ? '*' : ''}`,
    alarm: (r) => !r.pass,
  },
];
