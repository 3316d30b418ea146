/** One holder's time with a lock on a resource, on the monotonicMs() scale. */
export interface HoldInterval {
  readonly resource: string;
  /** Who held it (for the failure message). */
  readonly holder: string;
  /** When acquire() returned. */
  readonly startMs: number;
  /** When release() was called (or validity ended, if that came first). */
  readonly endMs: number;
}

export interface Overlap {
  readonly first: HoldInterval;
  readonly second: HoldInterval;
}

/**
 * Pairs of hold intervals of the same resource that overlap. Sorted by start, an
 * interval overlaps an earlier one iff it starts before the latest end seen so far
 * (touching ends are not an overlap: a release and the next acquire may share a ms).
 */
export function findOverlaps(intervals: readonly HoldInterval[]): Overlap[] {
  const byResource = new Map<string, HoldInterval[]>();
  for (const interval of intervals) {
    if (!(interval.endMs >= interval.startMs)) throw new RangeError(`interval of ${interval.holder} ends before it starts: ${interval.startMs} > ${interval.endMs}`);
    const list = byResource.get(interval.resource) ?? [];
    list.push(interval);
    byResource.set(interval.resource, list);
  }
  const overlaps: Overlap[] = [];
  for (const list of byResource.values()) {
    list.sort((a, b) => a.startMs - b.startMs);
    let latest: HoldInterval | undefined;
    for (const interval of list) {
      if (latest && interval.startMs < latest.endMs) overlaps.push({ first: latest, second: interval });
      if (!latest || interval.endMs > latest.endMs) latest = interval;
    }
  }
  return overlaps;
}
