import { describe, expect, it } from 'vitest';
import { renderVerdictTable, wrap } from '../../../sim/report/index.js';
import { row } from './sample-runs.js';

describe('renderVerdictTable', () => {
  const rows = [
    row('baseline', { acquisitions: 5210, availability: 1, acquireLatencyP50Ms: 1.234, acquireLatencyP99Ms: 17.6 }),
    row('clock-jump', {
      faults: 'clock jump +2000 ms on node 2 while holders have exactly 3 keys',
      lockViolations: 3,
      tokenRegressions: 0,
      staleWritesRejected: 2,
      detection: { faults: 4, productive: 3 },
      expected: 'violations found; fenced resource accepts 0 out-of-order writes',
      observed: '3 violations; 0 out-of-order accepted',
    }),
    row('client-pause-hold-unfenced', { tokenRegressions: null, lostUpdates: null, staleWritesAccepted: null, staleWritesRejected: null, availability: null, acquireLatencyP50Ms: null }),
    row('partition-majority', { lockViolations: 'unknown', pass: false, observed: 'checker crashed' }),
  ];

  it('prints every FAULTS.md column, one row per scenario, aligned, and totals', () => {
    const text = renderVerdictTable(rows);
    const lines = text.trimEnd().split('\n');
    for (const header of ['scenario', 'faults', 'acquisitions', 'lock violations', 'token regressions', 'lost updates', 'stale accepted', 'stale rejected', 'controls', 'detection', 'avail %', 'p50 ms', 'p99 ms', 'expected', 'observed', 'verdict']) {
      expect(lines[0]).toContain(header);
    }
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    const baseline = lines.find((l) => l.startsWith('baseline'));
    expect(baseline).toMatch(/5210 .* 100\.0 +1\.2 +18 /);
    expect(baseline).toMatch(/PASS$/);
    expect(lines.find((l) => l.startsWith('partition-majority'))).toMatch(/unknown.*FAIL$/);
    expect(lines.find((l) => l.startsWith('client-pause-hold-unfenced'))).toMatch(/n\/a +n\/a +n\/a +n\/a +- +- +- +- +42/);
    expect(lines[lines.length - 1]).toBe('4 scenarios: 3 PASS, 1 FAIL');
    // Columns line up: every verdict starts at the same offset as its header.
    const verdictColumn = (lines[0] ?? '').indexOf('verdict');
    const rowLines = lines.filter((l) => /  (PASS|FAIL)$/.test(l));
    expect(rowLines).toHaveLength(4);
    for (const line of rowLines) expect(line.length - 4).toBe(verdictColumn);
  });

  it('wraps long text onto continuation lines instead of cutting it', () => {
    const text = renderVerdictTable(rows, { textColumnWidth: 20 });
    expect(text).toContain('fenced resource');
    expect(text).toContain('out-of-order writes');
    expect(text).not.toContain('\u001b[');
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith('clock-jump'));
    expect(lines[start + 1]?.startsWith(' ')).toBe(true);
  });

  it('colours only when asked, keeping alignment', () => {
    const colored = renderVerdictTable(rows, { color: true });
    expect(colored).toContain('\u001b[32mPASS');
    expect(colored).toContain('\u001b[31mFAIL');
    expect(colored).toContain('\u001b[31m');
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(renderVerdictTable(rows));
  });

  it('marks a row whose harness needed help with "*" and lists its notes under the totals', () => {
    const noted = [...rows, row('resets', { notes: ['harness: toxiproxy-server hung and was restarted 1x (on nemesis resets heal)'] })];
    const lines = renderVerdictTable(noted).trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith('resets'))).toMatch(/PASS\*$/);
    expect(lines.find((l) => l.startsWith('baseline'))).toMatch(/PASS$/);
    expect(lines.slice(-2)).toEqual(['* harness notes:', '  resets: harness: toxiproxy-server hung and was restarted 1x (on nemesis resets heal)']);
    expect(renderVerdictTable(rows)).not.toContain('harness notes');
  });

  it('rejects a bad textColumnWidth, naming it', () => {
    expect(() => renderVerdictTable(rows, { textColumnWidth: 2 })).toThrow(/textColumnWidth/);
  });

  it('prints a header and zero totals for no rows', () => {
    expect(renderVerdictTable([])).toContain('0 scenarios: 0 PASS, 0 FAIL');
  });
});

describe('wrap', () => {
  it('wraps on words and cuts words longer than the width', () => {
    expect(wrap('a bb ccc dddd', 6)).toEqual(['a bb', 'ccc', 'dddd']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('', 4)).toEqual(['']);
  });
});
