import type { HistoryEvent } from '../history/types.js';
import type { KnownCheckResult } from './check-result.js';
import { holdWindows, possibleHolds, type HoldWindow, type PossibleHold } from './hold-windows.js';

/** Two holders of one resource at once. */
export interface MutexViolation {
  readonly resource: string;
  /** The window that started first. */
  readonly first: HoldWindow;
  readonly second: HoldWindow;
  readonly overlapStartMs: number;
  readonly overlapEndMs: number;
  readonly overlapMs: number;
}

export interface MutexDetails {
  /** Non-empty windows checked. */
  readonly windowCount: number;
  /** Windows with end <= start (e.g. released before the ok was recorded): ignored. */
  readonly emptyWindowCount: number;
  readonly resourceCount: number;
  /** Every overlapping pair. */
  readonly violationCount: number;
  /** The first `maxViolationsListed` pairs, in time order. */
  readonly violations: readonly MutexViolation[];
  /** The largest overlap seen, 0 when none. */
  readonly maxOverlapMs: number;
  /** The anomalies found, by name: `dual-holder` (two holders of one resource at once); empty when valid. */
  readonly anomalies: readonly 'dual-holder'[];
  /** Windows whose validity claim was absent or earlier than the ok: judged by their release. */
  readonly untrustedValidityCount: number;
  /** Acquires with an unknown outcome (info, or no completion): possibly held until their TTL. */
  readonly possibleHoldCount: number;
  /**
   * Windows that overlap a possible hold of another acquisition: not violations (the
   * unknown acquire may not have taken the lock, and its worker did not act on it), but
   * what a reader must know when judging how much the run proves.
   */
  readonly possibleOverlapCount: number;
}

/** Options of {@link checkMutex}. */
export interface MutexCheckOptions {
  /** How many violating pairs to keep as evidence (all are counted). @default 100 */
  readonly maxViolationsListed?: number;
}

const DEFAULT_MAX_VIOLATIONS_LISTED = 100;

/**
 * Mutual exclusion: on each resource, no two windows of different acquisitions overlap.
 * Overlap is strict (a.start < b.end && b.start < a.end), so a release followed by the
 * next ok in the same millisecond is not a violation.
 */
export function checkMutex(
  history: readonly HistoryEvent[],
  options: MutexCheckOptions = {},
): KnownCheckResult<MutexDetails> {
  const maxListed = options.maxViolationsListed ?? DEFAULT_MAX_VIOLATIONS_LISTED;
  if (!Number.isSafeInteger(maxListed) || maxListed < 0) {
    throw new RangeError(`maxViolationsListed must be an integer >= 0, got ${String(maxListed)}`);
  }
  const all = holdWindows(history);
  const windows = all.filter((w) => w.endMs > w.startMs);
  const overlaps = findOverlaps(windows);
  const violations = overlaps.slice(0, maxListed);
  const resourceCount = new Set(windows.map((w) => w.resource)).size;
  const maxOverlapMs = overlaps.reduce((max, v) => Math.max(max, v.overlapMs), 0);
  const affected = new Set(overlaps.map((v) => v.resource)).size;
  const possible = possibleHolds(history);
  const possibleOverlapCount = countPossibleOverlaps(windows, possible);
  const summary =
    overlaps.length === 0
      ? `${windows.length} windows on ${resourceCount} resources, no overlap`
      : `${overlaps.length} overlapping window pairs on ${affected} of ${resourceCount} resources ` +
        `(max overlap ${maxOverlapMs.toFixed(1)} ms) among ${windows.length} windows`;
  return {
    name: 'mutex',
    valid: overlaps.length === 0,
    summary,
    details: {
      windowCount: windows.length,
      emptyWindowCount: all.length - windows.length,
      resourceCount,
      violationCount: overlaps.length,
      violations,
      maxOverlapMs,
      anomalies: overlaps.length > 0 ? ['dual-holder'] : [],
      untrustedValidityCount: all.filter((w) => !w.validityTrusted).length,
      possibleHoldCount: possible.length,
      possibleOverlapCount,
    },
  };
}

function countPossibleOverlaps(windows: readonly HoldWindow[], possible: readonly PossibleHold[]): number {
  const byResource = new Map<string, PossibleHold[]>();
  for (const hold of possible) {
    const list = byResource.get(hold.resource);
    if (list === undefined) byResource.set(hold.resource, [hold]);
    else list.push(hold);
  }
  let count = 0;
  for (const window of windows) {
    const holds = byResource.get(window.resource) ?? [];
    if (holds.some((h) => h.lockId !== window.lockId && h.invokeMs < window.endMs && window.startMs < h.endMs)) count += 1;
  }
  return count;
}

/**
 * Every pair of overlapping windows of different acquisitions on the same resource,
 * ordered by the later window's start. A sweep per resource: sort by start, keep the
 * windows still open, compare each new window with those only.
 */
export function findOverlaps(windows: readonly HoldWindow[]): MutexViolation[] {
  const byResource = new Map<string, HoldWindow[]>();
  for (const window of windows) {
    if (window.endMs <= window.startMs) continue;
    const list = byResource.get(window.resource);
    if (list === undefined) byResource.set(window.resource, [window]);
    else list.push(window);
  }
  const violations: MutexViolation[] = [];
  for (const [resource, list] of byResource) {
    list.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
    let open: HoldWindow[] = [];
    for (const current of list) {
      open = open.filter((w) => w.endMs > current.startMs);
      for (const earlier of open) {
        if (earlier.lockId === current.lockId) continue;
        const overlapEndMs = Math.min(earlier.endMs, current.endMs);
        violations.push({
          resource,
          first: earlier,
          second: current,
          overlapStartMs: current.startMs,
          overlapEndMs,
          overlapMs: overlapEndMs - current.startMs,
        });
      }
      open.push(current);
    }
  }
  return violations.sort((a, b) => a.overlapStartMs - b.overlapStartMs);
}
