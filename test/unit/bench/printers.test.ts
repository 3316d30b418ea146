import { describe, expect, it } from 'vitest';
import { formatPercentileChart } from '../../../bench/percentile-chart.js';
import { formatPercentileTable } from '../../../bench/percentile-table.js';
import { createHistogramUs, EMPTY_SUMMARY, percentileDistributionMs, recordUs, summarize, type LatencySummary } from '../../../bench/histogram.js';
import { formatTextTable } from '../../../bench/text-table.js';
import { chooseUnit, formatDuration, formatDurationAuto } from '../../../bench/time-format.js';

function summary(p50Us: number, p99Us: number, maxUs = p99Us * 2): LatencySummary {
  return { count: 1000, minUs: 10, meanUs: p50Us, p50Us, p90Us: (p50Us + p99Us) / 2, p99Us, p999Us: maxUs, maxUs };
}

describe('histogram', () => {
  it('summarizes recorded µs values into percentiles', () => {
    const histogram = createHistogramUs();
    for (let us = 1; us <= 1000; us += 1) recordUs(histogram, us);
    const s = summarize(histogram);
    expect(s.count).toBe(1000);
    expect(s.p50Us).toBeGreaterThanOrEqual(499);
    expect(s.p50Us).toBeLessThanOrEqual(501);
    expect(s.p99Us).toBeGreaterThanOrEqual(989);
    expect(s.p99Us).toBeLessThanOrEqual(991);
    expect(s.maxUs).toBe(1000);
    expect(s.p999Us).toBeLessThanOrEqual(s.maxUs);
    expect(summarize(createHistogramUs())).toEqual(EMPTY_SUMMARY);
  });

  it('records sub-µs durations as 1 µs and clamps huge ones', () => {
    const histogram = createHistogramUs();
    recordUs(histogram, 0.2);
    recordUs(histogram, 1e12);
    expect(histogram.totalCount).toBe(2);
    expect(histogram.minNonZeroValue).toBe(1);
  });

  it('writes the HdrHistogram percentile distribution in ms', () => {
    const histogram = createHistogramUs();
    for (let i = 0; i < 100; i += 1) recordUs(histogram, 2000);
    const text = percentileDistributionMs(histogram);
    expect(text).toMatch(/Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
    expect(text).toMatch(/^\s+2\.00\d\s+0\.0+\s+100/m);
    expect(text).toMatch(/#\[Mean\s+=\s+2\.00\d/);
    expect(text).toMatch(/#\[Max\s+=\s+2\.00\d/);
  });
});

describe('time formatting', () => {
  it('chooses µs for short tails and ms for long ones', () => {
    expect(chooseUnit([summary(300, 1600)], 'auto')).toBe('us');
    expect(chooseUnit([summary(300, 1600), summary(2000, 605_000)], 'auto')).toBe('ms');
    expect(chooseUnit([summary(2000, 605_000)], 'us')).toBe('us');
  });

  it('formats durations in the unit asked', () => {
    expect(formatDuration(1234.4, 'us')).toBe('1,234');
    expect(formatDuration(1600, 'ms')).toBe('1.60');
    expect(formatDuration(87_000, 'ms')).toBe('87.0');
    expect(formatDuration(605_000, 'ms')).toBe('605');
    expect(formatDurationAuto(383)).toBe('383 µs');
    expect(formatDurationAuto(1600)).toBe('1.60 ms');
    expect(formatDurationAuto(2_100_000)).toBe('2.10 s');
  });
});

describe('formatTextTable', () => {
  it('pads columns to the widest cell, counting µ as one column', () => {
    const text = formatTextTable(['name', 'p50 µs'], [['a', '1'], ['longer', '22,222']], ['left', 'right']);
    const lines = text.split('\n');
    expect(lines).toEqual(['name    p50 µs', '------  ------', 'a            1', 'longer  22,222']);
  });
});

describe('formatPercentileTable', () => {
  it('prints one row per histogram with p50, p90, p99, p99.9, max and mean', () => {
    const text = formatPercentileTable(
      [
        { label: 'redquorum acquire', summary: summary(383, 1600) },
        { label: 'node-redlock acquire', summary: summary(400, 1900) },
      ],
      'auto',
    );
    const [header, rule, ours, theirs] = text.split('\n');
    expect(header).toMatch(/count\s+p50 µs\s+p90 µs\s+p99 µs\s+p99\.9 µs\s+max µs\s+mean µs$/);
    expect(rule).toMatch(/^-+\s+-+/);
    expect(ours).toMatch(/^redquorum acquire\s+1,000\s+383\s+992\s+1,600\s+3,200\s+3,200\s+383$/);
    expect(theirs).toMatch(/^node-redlock acquire\s+1,000\s+400\s+1,150\s+1,900/);
  });

  it('switches to ms for long waits and prints dashes for an empty histogram', () => {
    const text = formatPercentileTable(
      [
        { label: 'wait', summary: summary(12_000, 605_000, 900_000) },
        { label: 'none', summary: EMPTY_SUMMARY },
      ],
      'auto',
    );
    expect(text).toMatch(/p50 ms/);
    expect(text).toMatch(/^wait\s+1,000\s+12\.0\s+309\s+605\s+900\s+900\s+12\.0$/m);
    expect(text).toMatch(/^none\s+0\s+-\s+-\s+-\s+-\s+-\s+-$/m);
  });
});

describe('formatPercentileChart', () => {
  it('draws longer bars for larger values on a log scale, labelled with the values', () => {
    const text = formatPercentileChart('wait', [
      { label: 'ours', summary: summary(1000, 10_000) },
      { label: 'theirs', summary: summary(100_000, 1_000_000) },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('wait (log scale, 1.00 ms to 10.00 s)');
    expect(lines).toHaveLength(1 + 5 * 2);
    const bar = (line: string | undefined): number => (line?.match(/█/g) ?? []).length;
    expect(lines[1]).toMatch(/^p50\s+ours\s+\|█*\s*\| 1\.00 ms$/);
    expect(lines[2]).toMatch(/^\s+theirs \|█+\s*\| 100 ms$/);
    expect(bar(lines[1])).toBeLessThan(bar(lines[2]));
    expect(bar(lines[5])).toBeGreaterThan(bar(lines[1]));
    // Every bar is drawn inside the same frame width.
    const frames = lines.slice(1).map((line) => line.indexOf('|', line.indexOf('|') + 1) - line.indexOf('|'));
    expect(new Set(frames).size).toBe(1);
  });

  it('says so when there is nothing to draw', () => {
    expect(formatPercentileChart('wait', [{ label: 'ours', summary: EMPTY_SUMMARY }])).toBe('wait: no samples');
  });
});
