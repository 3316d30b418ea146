import { describe, expect, it } from 'vitest';
import { compareFigures } from '../../../bench/figures.js';
import type { LatencySummary } from '../../../bench/histogram.js';
import { REPORT_VERSION, reportToJson, type BenchReport, type LibraryReport } from '../../../bench/report.js';
import { formatMarkdownTable } from '../../../bench/markdown-table.js';
import { formatReportMarkdown } from '../../../bench/report-markdown.js';
import { formatReport } from '../../../bench/report-text.js';

const summary: LatencySummary = { count: 10, minUs: 100, meanUs: 300, p50Us: 300, p90Us: 400, p99Us: 500, p999Us: 600, maxUs: 600 };

function library(name: LibraryReport['library'], waitP99Us: number, fairnessX: number): LibraryReport {
  return {
    library: name,
    figures: [
      { name: 'acquisitions/s', value: 100, unit: '/s', better: 'higher' },
      { name: 'wait p99', value: waitP99Us, unit: 'µs', better: 'lower' },
      { name: 'fairness max/min', value: fairnessX, unit: 'x', better: 'lower' },
    ],
    rounds: [],
    usage: { clientCpuUs: 2000, allocatedBytes: 40_960, gcCount: 1, gcPauseUs: 300, serverCpuUs: null },
    histograms: { wait: { ...summary, p99Us: waitP99Us } },
    operations: 10,
    elapsedMs: 100,
    errors: 0,
    perWorker: [6, 4],
  };
}

function report(): BenchReport {
  const ours = library('redquorum', 500, 1.5);
  const theirs = library('node-redlock', 5000, Number.POSITIVE_INFINITY);
  const ratios = compareFigures(ours.figures, theirs.figures);
  return {
    tool: 'redquorum bench',
    version: REPORT_VERSION,
    scenario: 'contention',
    workload: 'contention',
    fault: null,
    testbed: 'embedded, 5 redis-server',
    nodeCount: 5,
    settings: { iterations: 100, durationMs: 1000, warmupMs: 0, rounds: 2, concurrency: 64, workers: 2, holdMs: 1, thinkMs: 5, ttlMs: 1000, retry: {}, notify: true, self: false, fencing: false },
    machine: { nproc: 2, cpuModel: 'test CPU', node: 'v20.0.0', redisVersion: '7.0.15' },
    load: { start: [3.25, 2, 1], end: [4.5, 3, 1] },
    startedAt: '2026-01-01T00:00:00.000Z',
    libraries: [ours, theirs],
    ratios,
    comparisons: [{ theirs: 'node-redlock', ratios }],
    heap: { beforeBytes: 10 * 1024 * 1024, afterBytes: 12 * 1024 * 1024, gcExposed: true },
    targets: [],
  };
}

describe('the JSON report', () => {
  it('has the documented shape, with non-finite figures as null', () => {
    const parsed = JSON.parse(reportToJson(report())) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(
      ['tool', 'version', 'scenario', 'workload', 'fault', 'testbed', 'nodeCount', 'settings', 'machine', 'load', 'startedAt', 'libraries', 'ratios', 'comparisons', 'heap', 'targets'].sort(),
    );
    expect(parsed).toMatchObject({ tool: 'redquorum bench', version: 2, fault: null, machine: { nproc: 2, redisVersion: '7.0.15' } });
    const libraries = parsed['libraries'] as { library: string; figures: { name: string; value: number | null }[]; histograms: Record<string, LatencySummary> }[];
    expect(libraries.map((l) => l.library)).toEqual(['redquorum', 'node-redlock']);
    expect(libraries[1]?.figures.find((f) => f.name === 'fairness max/min')?.value).toBeNull();
    expect(libraries[0]?.histograms['wait']).toMatchObject({ count: 10, p50Us: 300, p99Us: 500 });
    const ratios = parsed['ratios'] as { name: string; ratio: number | null; verdict: string }[];
    expect(ratios.find((r) => r.name === 'wait p99')).toMatchObject({ ratio: 0.1, verdict: 'ours' });
    expect(ratios.find((r) => r.name === 'fairness max/min')).toMatchObject({ ratio: null });
  });
});

describe('the text report', () => {
  it('shows the header, percentile table, chart, ratio table and heap', () => {
    const text = formatReport(report(), 'auto');
    expect(text).toMatch(/^redquorum bench contention\n/);
    expect(text).toMatch(/testbed: embedded, 5 redis-server; 2 interleaved round\(s\); 2 CPU test CPU; node v20\.0\.0; redis 7\.0\.15/);
    expect(text).toMatch(/settings: .*2 workers, hold 1 ms, think 5 ms; each library's default retry settings; redquorum releaseNotifications true/);
    expect(text).toMatch(/^load average \(1 min\): 3\.3 at the start, 4\.5 after the rounds, on 2 CPU$/m);
    expect(text).toMatch(/Percentiles \(HdrHistogram\)\n\s+count\s+p50 µs/);
    expect(text).toMatch(/^redquorum wait\s+10\s+300/m);
    expect(text).toMatch(/wait time by percentile \(log scale/);
    expect(text).toMatch(/^wait p99\s+500 µs\s+5\.00 ms\s+0\.10x\s+-\s+ratio < 1\s+redquorum$/m);
    expect(text).toMatch(/^fairness max\/min\s+1\.50x\s+∞\s+n\/a/m);
    expect(text.match(/^figure\s+redquorum\s+node-redlock\s+redquorum\/node-redlock/gm)).toHaveLength(1);
    expect(text).toMatch(/heap used: 10\.0 MB after warm-up, 12\.0 MB after the rounds \(after full GC\)/);
  });

  it('prints one figure table per library without --vs', () => {
    const single = { ...report(), libraries: [library('redquorum', 500, 1)], ratios: [], comparisons: [] };
    const text = formatReport(single, 'auto');
    expect(text).toMatch(/^figure\s+redquorum\s+better when$/m);
    expect(text).not.toMatch(/node-redlock/);
  });
});

describe('the markdown report', () => {
  it('prints markdown tables: percentiles, ratios with their per-round spread, and targets', () => {
    const base = report();
    const ratios = compareFigures(base.libraries[0]!.figures, base.libraries[1]!.figures, {
      ours: [base.libraries[0]!.figures, base.libraries[0]!.figures],
      theirs: [base.libraries[1]!.figures, base.libraries[1]!.figures],
    });
    const text = formatReportMarkdown({ ...base, comparisons: [{ theirs: 'node-redlock', ratios }] });
    expect(text).toMatch(/^\| histogram \| count \| p50 \| p90 \| p99 \| p99\.9 \| max \|\n\|---\|---:\|---:\|---:\|---:\|---:\|---:\|$/m);
    expect(text).toMatch(/^\| redquorum wait \| 10 \| 300 µs \| 400 µs \| 500 µs \| 600 µs \| 600 µs \|$/m);
    expect(text).toMatch(/^\| wait p99 \| 500 µs \| 5\.00 ms \| 0\.10x \| 0\.10-0\.10 \| ratio < 1 \|$/m);
    expect(text).toMatch(/No target applies to this run\./);
    expect(text).toMatch(/Heap used after a full GC: 10\.00 MiB after warm-up, 12\.00 MiB after the rounds\. Load average \(1 min\): 3\.3 at the start, 4\.5 after the rounds, on 2 CPU\./);
  });

  it('escapes a pipe inside a cell', () => {
    expect(formatMarkdownTable(['a|b'], [['1|2']], ['left'])).toBe('| a\\|b |\n|---|\n| 1\\|2 |');
  });
});

