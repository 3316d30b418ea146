import type { ExecutionStats } from './types.js';

/**
 * The most attempts' statistics one operation keeps. With `retryCount: -1` an
 * operation may retry for hours; it keeps the latest ones, not all of them.
 */
export const ATTEMPT_STATS_MAX = 100;

/** A bounded log of attempt statistics, oldest dropped first. */
export class AttemptLog {
  private readonly kept: Promise<ExecutionStats>[] = [];
  count = 0;

  push(stats: Promise<ExecutionStats>): void {
    this.count += 1;
    this.kept.push(stats);
    if (this.kept.length > ATTEMPT_STATS_MAX) this.kept.shift();
  }

  get list(): ReadonlyArray<Promise<ExecutionStats>> {
    return this.kept;
  }
}
