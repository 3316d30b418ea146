import { describe, expect, it } from 'vitest';
import { formatFigureValue, formatRatioTable, formatSpread } from '../../../bench/figure-table.js';
import { compareFigures, spreadOf, type Figure } from '../../../bench/figures.js';
import { hgrmPathFor } from '../../../bench/hgrm-files.js';
import { recordUs } from '../../../bench/histogram.js';
import { roundOrder, roundShare } from '../../../bench/interleave.js';
import { parseRedisVersion } from '../../../bench/machine.js';
import { fairness, faultStretch, workloadFigures } from '../../../bench/workload-figures.js';
import { createSample, mergeSample } from '../../../bench/workloads/workload-sample.js';

describe('compareFigures', () => {
  const ours: Figure[] = [
    { name: 'wait p99', value: 50_000, unit: 'µs', better: 'lower' },
    { name: 'acquisitions/s', value: 400, unit: '/s', better: 'higher' },
    { name: 'cycle p50', value: 1010, unit: 'µs', better: 'lower' },
    { name: 'only ours', value: 1, unit: 'count', better: 'lower' },
    { name: 'errors', value: 0, unit: 'count', better: 'lower' },
    { name: 'gave up', value: 5, unit: 'count', better: 'lower' },
  ];
  const theirs: Figure[] = [
    { name: 'wait p99', value: 600_000, unit: 'µs', better: 'lower' },
    { name: 'acquisitions/s', value: 800, unit: '/s', better: 'higher' },
    { name: 'cycle p50', value: 1000, unit: 'µs', better: 'lower' },
    { name: 'errors', value: 0, unit: 'count', better: 'lower' },
    { name: 'gave up', value: 0, unit: 'count', better: 'lower' },
  ];

  it('divides ours by theirs and names who each figure favours', () => {
    const rows = compareFigures(ours, theirs);
    expect(rows.map((row) => row.name)).toEqual(['wait p99', 'acquisitions/s', 'cycle p50', 'errors', 'gave up']);
    expect(rows[4]).toMatchObject({ ratio: null, verdict: 'theirs' });
    expect(rows[0]).toMatchObject({ ratio: 50_000 / 600_000, verdict: 'ours', better: 'lower' });
    expect(rows[1]).toMatchObject({ ratio: 0.5, verdict: 'theirs', better: 'higher' });
    expect(rows[2]).toMatchObject({ verdict: 'even' });
    expect(rows[3]).toMatchObject({ ratio: null, verdict: 'even' });
  });

  it('prints ratios with the direction that wins', () => {
    const text = formatRatioTable('redquorum', 'node-redlock', compareFigures(ours, theirs));
    expect(text.split('\n')[0]).toMatch(/^figure\s+redquorum\s+node-redlock\s+redquorum\/node-redlock\s+per round\s+better when\s+favours$/);
    expect(text).toMatch(/^wait p99\s+50\.0 ms\s+600 ms\s+0\.08x\s+-\s+ratio < 1\s+redquorum$/m);
    expect(text).toMatch(/^acquisitions\/s\s+400\/s\s+800\/s\s+0\.50x\s+-\s+ratio > 1\s+node-redlock$/m);
    expect(text).toMatch(/^errors\s+0\s+0\s+n\/a\s+-\s+ratio < 1\s+even$/m);
  });

  it('gives each ratio the spread of its per-round ratios, and prints it beside the ratio', () => {
    const round = (p50Us: number, perSecond: number): Figure[] => [
      { name: 'cycle p50', value: p50Us, unit: 'µs', better: 'lower' },
      { name: 'acquisitions/s', value: perSecond, unit: '/s', better: 'higher' },
    ];
    const rows = compareFigures(round(1000, 400), round(1000, 400), {
      ours: [round(900, 400), round(1100, 420), round(1000, 0)],
      theirs: [round(1000, 400), round(1000, 400), round(1000, 0)],
    });
    expect(rows[0]?.spread).toEqual({ min: 0.9, max: 1.1 });
    // Round 3's rate is 0 on their side: no ratio for it, the other two still count.
    expect(rows[1]?.spread).toEqual({ min: 1, max: 1.05 });
    expect(formatRatioTable('a', 'b', rows)).toMatch(/^cycle p50\s+1\.00 ms\s+1\.00 ms\s+1\.00x\s+0\.90-1\.10\s+ratio < 1\s+even$/m);
    expect(compareFigures(round(1, 1), round(1, 1), { ours: [round(1, 1)], theirs: [round(1, 1)] })[0]?.spread).toBeNull();
    expect(() => compareFigures(round(1, 1), round(1, 1), { ours: [round(1, 1)], theirs: [] })).toThrow(RangeError);
  });

  it('spreadOf takes the finite values only and needs two', () => {
    expect(spreadOf([1.2, Number.NaN, 0.8, Number.POSITIVE_INFINITY, 1])).toEqual({ min: 0.8, max: 1.2 });
    expect(spreadOf([1, Number.NaN])).toBeNull();
    expect(spreadOf([])).toBeNull();
  });

  it('formats each unit', () => {
    expect(formatFigureValue(3100.4, '/s')).toBe('3,100/s');
    expect(formatFigureValue(1.234, 'x')).toBe('1.23x');
    expect(formatFigureValue(Number.POSITIVE_INFINITY, 'x')).toBe('∞');
    expect(formatFigureValue(Number.NaN, 'x')).toBe('n/a');
    expect(formatFigureValue(383, 'µs')).toBe('383 µs');
    expect(formatFigureValue(512.4, 'B')).toBe('512 B');
    expect(formatFigureValue(44_646, 'B')).toBe('43.6 KiB');
    expect(formatFigureValue(8.05 * 1024 * 1024, 'B')).toBe('8.05 MiB');
    expect(formatSpread({ min: 0.956, max: 1.084 })).toBe('0.96-1.08');
    expect(formatSpread(null)).toBe('-');
  });
});

describe('workload figures', () => {
  it('computes rates, percentiles and fairness from a sample', () => {
    const sample = createSample(['wait'], 3);
    for (let i = 0; i < 100; i += 1) recordUs(sample.histograms['wait']!, 1000 * (i + 1));
    sample.operations = 100;
    sample.elapsedMs = 500;
    sample.errors = 2;
    sample.perWorker.splice(0, 3, 50, 30, 20);
    const figures = Object.fromEntries(workloadFigures('contention', sample).map((figure) => [figure.name, figure]));
    expect(figures['acquisitions/s']).toMatchObject({ value: 200, unit: '/s', better: 'higher' });
    expect(figures['fairness max/min']).toMatchObject({ value: 2.5, better: 'lower' });
    expect(figures['wait p99']?.value).toBeGreaterThan(98_000);
    expect(figures['acquire calls that gave up']?.value).toBe(2);
  });

  it('reports the figures each workload promises', () => {
    const names = (workload: 'latency' | 'throughput') =>
      workloadFigures(workload, createSample(workload === 'latency' ? ['cycle', 'acquire', 'release'] : ['cycle'])).map((f) => f.name);
    expect(names('latency')).toEqual(['cycle p50', 'cycle p99', 'cycle p99.9', 'acquire p50', 'acquire p99', 'acquire p99.9', 'cycles/s', 'acquires that retried', 'errors']);
    expect(names('throughput')).toEqual(['acquire+release/s', 'cycle p50', 'cycle p99', 'cycle p99.9', 'acquires that retried', 'errors']);
  });

  it('fairness is max/min, infinite when a worker starved', () => {
    expect(fairness([10, 10, 10])).toBe(1);
    expect(fairness([40, 20])).toBe(2);
    expect(fairness([5, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(fairness([])).toBeNaN();
  });

  it('faultStretch divides the faulted p99 by the no-fault p99', () => {
    const before = createSample(['acquire']);
    const after = createSample(['acquire']);
    for (let i = 0; i < 100; i += 1) {
      recordUs(before.histograms['acquire']!, 1000);
      recordUs(after.histograms['acquire']!, 1500);
    }
    const stretch = faultStretch('latency', before, after);
    expect(stretch.name).toBe('acquire p99 fault / no fault');
    expect(stretch.value).toBeCloseTo(1.5, 2);
  });

  it('merges rounds: histograms, counts and per-worker tallies add up', () => {
    const total = createSample([], 2);
    const rounds = [3, 4].map((ops) => {
      const round = createSample(['wait'], 2);
      recordUs(round.histograms['wait']!, 100);
      round.operations = ops;
      round.elapsedMs = 10;
      round.perWorker.splice(0, 2, ops, 1);
      round.usage = { clientCpuUs: 1000 * ops, allocatedBytes: 10 * ops, gcCount: 1, gcPauseUs: 5, serverCpuUs: 2 * ops };
      mergeSample(total, round);
      return round;
    });
    expect(total.histograms['wait']?.totalCount).toBe(2);
    expect(total).toMatchObject({ operations: 7, elapsedMs: 20, perWorker: [7, 2] });
    expect(total.usage).toEqual({ clientCpuUs: 7000, allocatedBytes: 70, gcCount: 2, gcPauseUs: 10, serverCpuUs: 14 });
    // Each round keeps its own histogram: per-round figures are read after the merge too.
    expect(rounds.map((round) => round.histograms['wait']?.totalCount)).toEqual([1, 1]);
  });
});

describe('interleaving', () => {
  it('alternates two libraries', () => {
    expect([0, 1, 2, -1].map((round) => roundOrder(['a', 'b'], round))).toEqual([
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'b'],
      ['b', 'a'],
    ]);
  });

  it('balances every place and every predecessor over its period (n rounds for even n, 2n for odd)', () => {
    expect([0, 1, 2, 3, 4, 5].map((round) => roundOrder(['a', 'b', 'c'], round))).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
      ['c', 'b', 'a'],
      ['a', 'c', 'b'],
      ['b', 'a', 'c'],
    ]);
    for (const count of [3, 4, 5, 6]) {
      const items = Array.from({ length: count }, (_, index) => String.fromCharCode(97 + index));
      const period = count % 2 === 0 ? count : 2 * count;
      const rounds = Array.from({ length: period }, (_, round) => roundOrder(items, round));
      expect(roundOrder(items, period)).toEqual(rounds[0]);
      expect(roundOrder(items, -1)).toEqual(rounds[period - 1]);
      for (const item of items) {
        const places = rounds.map((order) => order.indexOf(item));
        for (let place = 0; place < count; place += 1) expect(places.filter((p) => p === place)).toHaveLength(period / count);
        const predecessors = rounds.map((order) => order[order.indexOf(item) - 1]);
        for (const other of items.filter((x) => x !== item)) expect(predecessors.filter((p) => p === other)).toHaveLength(period / count);
      }
    }
  });

  it('splits a budget into near-equal shares that sum to it', () => {
    const shares = [0, 1, 2].map((round) => roundShare(10, 3, round));
    expect(shares).toEqual([4, 3, 3]);
    expect([0, 1, 2, 3].map((round) => roundShare(2, 4, round))).toEqual([1, 1, 0, 0]);
  });
});

describe('small helpers', () => {
  it('names one .hgrm file per library and histogram', () => {
    expect(hgrmPathFor('out/latency.hgrm', 'redquorum', 'acquire')).toBe('out/latency.redquorum.acquire.hgrm');
    expect(hgrmPathFor('out/run', 'node-redlock', 'no fault/acquire')).toBe('out/run.node-redlock.no-fault-acquire.hgrm');
  });

  it('reads the redis version from INFO server', () => {
    expect(parseRedisVersion('# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:0\r\n')).toBe('7.0.15');
    expect(parseRedisVersion('# Server\r\n')).toBeUndefined();
  });
});
