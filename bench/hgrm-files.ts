import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Histogram } from 'hdr-histogram-js';
import { percentileDistributionMs } from './histogram.js';

/**
 * One .hgrm file per library and histogram: `out.hgrm` becomes
 * `out.redquorum.acquire.hgrm`, `out.node-redlock.acquire.hgrm`, ... Pure.
 */
export function hgrmPathFor(basePath: string, library: string, histogram: string): string {
  const extension = extname(basePath) || '.hgrm';
  const stem = extname(basePath) ? basePath.slice(0, -extension.length) : basePath;
  const slug = histogram.replace(/[^A-Za-z0-9-]+/g, '-');
  return `${stem}.${library}.${slug}${extension}`;
}

/** Writes every histogram in HdrHistogram's percentile distribution format; returns the paths. */
export function writeHgrmFiles(basePath: string, histograms: readonly { library: string; name: string; histogram: Histogram }[]): string[] {
  return histograms.map(({ library, name, histogram }) => {
    const path = hgrmPathFor(basePath, library, name);
    writeFileSync(path, percentileDistributionMs(histogram));
    return path;
  });
}
