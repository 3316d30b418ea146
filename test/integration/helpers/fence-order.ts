import { ExecutionError, monotonicMs, type Redlock } from '../../../src/index.js';

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

/** What a race of fenced acquirers on one resource made. */
export interface FencedRace {
  readonly acquisitions: FencedAcquisition[];
  /** Acquisitions that needed more than one attempt. */
  readonly contended: number;
  /** The acquire calls that gave up; any other error ends the race. */
  readonly gaveUp: ExecutionError[];
}

/**
 * Every Redlock acquires `resource` for `ttlMs` and releases it, in a loop, until `target`
 * acquisitions were made or `deadlineMs` (monotonic) passed; each acquisition's fence is
 * recorded with when acquire() was called and returned.
 */
export async function raceFencedAcquires(redlocks: readonly Redlock[], resource: string, ttlMs: number, target: number, deadlineMs: number): Promise<FencedRace> {
  const acquisitions: FencedAcquisition[] = [];
  const gaveUp: ExecutionError[] = [];
  let contended = 0;
  const worker = async (redlock: Redlock): Promise<void> => {
    while (acquisitions.length < target && monotonicMs() < deadlineMs) {
      const startMs = monotonicMs();
      let lock;
      try {
        lock = await redlock.acquire([resource], ttlMs);
      } catch (error) {
        if (!(error instanceof ExecutionError)) throw error;
        gaveUp.push(error);
        continue;
      }
      const endMs = monotonicMs();
      if (typeof lock.fence !== 'bigint') throw new TypeError(`fence must be a bigint, got ${typeof lock.fence}`);
      if (lock.attempts.length > 1) contended += 1;
      acquisitions.push({ fence: lock.fence, startMs, endMs });
      await lock.release();
    }
  };
  await Promise.all(redlocks.map((redlock) => worker(redlock)));
  return { acquisitions, contended, gaveUp };
}
