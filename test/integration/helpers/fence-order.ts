/** One acquisition with a fencing token, on the monotonicMs() scale. */
export interface FencedAcquisition {
  readonly fence: bigint;
  /** When acquire() was called. */
  readonly startMs: number;
  /** When acquire() returned. */
  readonly endMs: number;
}

export interface FenceViolation {
  /** Completed before `later` began... */
  readonly earlier: FencedAcquisition;
  /** ...yet its fence is not greater. */
  readonly later: FencedAcquisition;
}

/**
 * The fencing guarantee: an acquisition's fence is greater than the fence of every
 * acquisition that completed before it began. Sweeps by start time, keeping the
 * largest fence among the acquisitions that ended strictly earlier.
 */
export function findFenceViolations(acquisitions: readonly FencedAcquisition[]): FenceViolation[] {
  const byStart = [...acquisitions].sort((a, b) => a.startMs - b.startMs);
  const byEnd = [...acquisitions].sort((a, b) => a.endMs - b.endMs);
  const violations: FenceViolation[] = [];
  let maxDone: FencedAcquisition | undefined;
  let next = 0;
  for (const acquisition of byStart) {
    while (next < byEnd.length && byEnd[next]!.endMs < acquisition.startMs) {
      const done = byEnd[next]!;
      if (!maxDone || done.fence > maxDone.fence) maxDone = done;
      next += 1;
    }
    if (maxDone && acquisition.fence <= maxDone.fence) violations.push({ earlier: maxDone, later: acquisition });
  }
  return violations;
}
