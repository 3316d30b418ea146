import { build, type Histogram } from 'hdr-histogram-js';

/** Largest value a histogram keeps: one hour in µs; longer waits are clamped to it. */
export const HISTOGRAM_MAX_US = 3_600_000_000;
/** Three significant digits: 0.1% value error, as autocannon and wrk2 use. */
const SIGNIFICANT_DIGITS = 3;

/** A histogram of durations in whole microseconds (1 µs to one hour). */
export function createHistogramUs(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HISTOGRAM_MAX_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/** Records a duration; sub-microsecond values count as 1 µs so that none is lost. */
export function recordUs(histogram: Histogram, durationUs: number): void {
  histogram.recordValue(Math.min(HISTOGRAM_MAX_US, Math.max(1, Math.round(durationUs))));
}

/** The figures a percentile table shows, in µs. */
export interface LatencySummary {
  readonly count: number;
  readonly minUs: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
}

export const EMPTY_SUMMARY: LatencySummary = { count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };

export function summarize(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return EMPTY_SUMMARY;
  // A percentile reports the top of its bucket, which can sit a hair above the exact max.
  const maxUs = histogram.maxValue;
  const at = (percentile: number): number => Math.min(maxUs, histogram.getValueAtPercentile(percentile));
  return {
    count: histogram.totalCount,
    minUs: histogram.minNonZeroValue,
    meanUs: histogram.mean,
    p50Us: at(50),
    p90Us: at(90),
    p99Us: at(99),
    p999Us: at(99.9),
    maxUs,
  };
}

/**
 * HdrHistogram's percentile distribution text (the .hgrm format that the HdrHistogram
 * plotter reads), with values in milliseconds as the plotter expects.
 */
export function percentileDistributionMs(histogram: Histogram): string {
  const ticksPerHalfDistance = 5;
  const usPerMs = 1000;
  return histogram.outputPercentileDistribution(ticksPerHalfDistance, usPerMs);
}
