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
  /** The holder's own claim of when its lock ends. */
  readonly validUntilMs: number;
  /** The first release invoke of this acquisition, if any. */
  readonly releaseMs: number | undefined;
  /** Which bound ended the window. */
  readonly endedBy: 'release' | 'validity';
}

/** The (resource, lockId) key that links one acquisition's acquire, write and release. */
export function acquisitionKey(op: Pick<Op, 'resource' | 'lockId'>): string {
  return `${op.resource}\u0000${op.lockId}`;
}

/**
 * Every successful acquisition's window, in order of acquisition. An acquire that ended
 * `info` (outcome unknown) or `fail` gives no window. Throws a HistoryFormatError for an
 * acquire ok without validUntilMs or a second acquire ok of the same acquisition: the
 * checker cannot judge such a history, so it must not pass it.
 */
export function holdWindows(events: readonly HistoryEvent[]): HoldWindow[] {
  const ops = operations(sortByTime(events));
  const invokes = new Map<string, Op>();
  const oks = new Map<string, Op>();
  const releases = new Map<string, number>();
  for (const op of ops) {
    const key = acquisitionKey(op);
    if (op.f === 'acquire' && op.type === 'invoke' && !invokes.has(key)) invokes.set(key, op);
    if (op.f === 'acquire' && op.type === 'ok') {
      if (op.validUntilMs === undefined) {
        throw new HistoryFormatError(
          `acquire ok of lockId ${op.lockId} on ${op.resource} (worker ${op.worker}, t=${op.timeMs}) has no validUntilMs`,
        );
      }
      if (oks.has(key)) {
        throw new HistoryFormatError(`lockId ${op.lockId} on ${op.resource} was acquired ok twice`);
      }
      oks.set(key, op);
    }
    if (op.f === 'release' && op.type === 'invoke' && !releases.has(key)) releases.set(key, op.timeMs);
  }
  const windows: HoldWindow[] = [];
  for (const [key, ok] of oks) {
    const validUntilMs = ok.validUntilMs as number;
    const releaseMs = releases.get(key);
    const endedByRelease = releaseMs !== undefined && releaseMs < validUntilMs;
    windows.push({
      resource: ok.resource,
      lockId: ok.lockId,
      worker: ok.worker,
      group: ok.group,
      fence: ok.fence,
      invokeMs: invokes.get(key)?.timeMs,
      startMs: ok.timeMs,
      endMs: endedByRelease ? releaseMs : validUntilMs,
      validUntilMs,
      releaseMs,
      endedBy: endedByRelease ? 'release' : 'validity',
    });
  }
  return windows;
}
