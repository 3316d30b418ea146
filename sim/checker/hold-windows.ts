import { HistoryFormatError } from '../history/history-format-error.js';
import { operations, sortByTime } from '../history/history.js';
import type { HistoryEvent, Op } from '../history/types.js';

/**
 * One successful acquisition as the lock checker sees it: the holder may act on the
 * resource during [startMs, endMs), with endMs = min(release invoke, validity end).
 */
export interface HoldWindow {
  readonly resource: string;
  readonly lockId: string;
  readonly worker: number;
  readonly group: number;
  /** The fencing token, when fencing was on. */
  readonly fence: string | undefined;
  /** When the acquire was invoked (undefined if the history lacks the invoke). */
  readonly invokeMs: number | undefined;
  /** The acquire's ok. */
  readonly startMs: number;
  readonly endMs: number;
  /** The holder's own claim of when its lock ends; undefined when it made none. */
  readonly validUntilMs: number | undefined;
  /**
   * Whether the claim was used: false when it is absent or earlier than the ok (a client
   * that claims nothing believable is judged by its release alone).
   */
  readonly validityTrusted: boolean;
  /** The first release invoke of this acquisition, if any. */
  readonly releaseMs: number | undefined;
  /** Which bound ended the window: the release, the validity claim, or (no claim, no release) the history's end. */
  readonly endedBy: 'release' | 'validity' | 'history-end';
}

/**
 * An acquire whose outcome is unknown (`info`, or an invoke with no completion: the
 * worker died mid-call). It may have taken the lock, which then lasts at most its TTL.
 */
export interface PossibleHold {
  readonly resource: string;
  readonly lockId: string;
  readonly worker: number;
  readonly group: number;
  readonly invokeMs: number;
  /** invoke + ttlMs when the invoke names its TTL, else the history's end. */
  readonly endMs: number;
  readonly outcome: 'info' | 'pending';
}

/** The (resource, lockId) key that links one acquisition's acquire, write and release. */
export function acquisitionKey(op: Pick<Op, 'resource' | 'lockId'>): string {
  return `${op.resource}\u0000${op.lockId}`;
}

/**
 * Every successful acquisition's window, in order of acquisition. An acquire that ended
 * `info` or `fail` gives no window (see possibleHolds for `info`). A validity claim that
 * is absent or earlier than the ok is not trusted: the window then ends at the release,
 * or at the end of the history when there was none. Throws a HistoryFormatError for a
 * second acquire ok of the same acquisition: the checker cannot judge such a history.
 */
export function holdWindows(events: readonly HistoryEvent[]): HoldWindow[] {
  const sorted = sortByTime(events);
  const historyEndMs = sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as HistoryEvent).timeMs;
  const ops = operations(sorted);
  const invokes = new Map<string, Op>();
  const oks = new Map<string, Op>();
  const releases = new Map<string, number>();
  for (const op of ops) {
    const key = acquisitionKey(op);
    if (op.f === 'acquire' && op.type === 'invoke' && !invokes.has(key)) invokes.set(key, op);
    if (op.f === 'acquire' && op.type === 'ok') {
      if (oks.has(key)) {
        throw new HistoryFormatError(`lockId ${op.lockId} on ${op.resource} was acquired ok twice`);
      }
      oks.set(key, op);
    }
    if (op.f === 'release' && op.type === 'invoke' && !releases.has(key)) releases.set(key, op.timeMs);
  }
  const windows: HoldWindow[] = [];
  for (const [key, ok] of oks) {
    const claim = ok.validUntilMs;
    const trusted = claim !== undefined && claim >= ok.timeMs;
    const releaseMs = releases.get(key);
    let endMs: number;
    let endedBy: HoldWindow['endedBy'];
    if (releaseMs !== undefined && (!trusted || releaseMs < claim)) {
      endMs = releaseMs;
      endedBy = 'release';
    } else if (trusted) {
      endMs = claim;
      endedBy = 'validity';
    } else {
      endMs = historyEndMs;
      endedBy = 'history-end';
    }
    windows.push({
      resource: ok.resource,
      lockId: ok.lockId,
      worker: ok.worker,
      group: ok.group,
      fence: ok.fence,
      invokeMs: invokes.get(key)?.timeMs,
      startMs: ok.timeMs,
      endMs,
      validUntilMs: claim,
      validityTrusted: trusted,
      releaseMs,
      endedBy,
    });
  }
  return windows;
}

/** Every acquire whose outcome is unknown, with how long it may have held the lock. */
export function possibleHolds(events: readonly HistoryEvent[]): PossibleHold[] {
  const sorted = sortByTime(events);
  const historyEndMs = sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as HistoryEvent).timeMs;
  const open = new Map<string, Op>();
  const holds: PossibleHold[] = [];
  const add = (invoke: Op, outcome: PossibleHold['outcome']): void => {
    holds.push({
      resource: invoke.resource,
      lockId: invoke.lockId,
      worker: invoke.worker,
      group: invoke.group,
      invokeMs: invoke.timeMs,
      endMs: invoke.ttlMs === undefined ? historyEndMs : invoke.timeMs + invoke.ttlMs,
      outcome,
    });
  };
  for (const op of operations(sorted)) {
    if (op.f !== 'acquire') continue;
    const key = acquisitionKey(op);
    if (op.type === 'invoke') {
      open.set(key, op);
      continue;
    }
    const invoke = open.get(key);
    open.delete(key);
    if (invoke !== undefined && op.type === 'info') add(invoke, 'info');
  }
  for (const invoke of open.values()) add(invoke, 'pending');
  return holds.sort((a, b) => a.invokeMs - b.invokeMs);
}
