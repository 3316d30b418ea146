import type { HistoryEvent, Op } from '../history/types.js';
import type { AppliedWindow } from './fault-timeline.js';

/**
 * Acquisitions that were invoked and succeeded inside one of the windows: a majority
 * partition must allow none (liveness needs a majority). Pure.
 */
export function acquiredDuring(history: readonly HistoryEvent[], windows: readonly AppliedWindow[]): number {
  if (windows.length === 0) return 0;
  const invokes = new Map<string, number>();
  let count = 0;
  for (const event of history) {
    if (event.kind !== 'op' || event.f !== 'acquire') continue;
    const key = `${event.worker}\u0000${event.lockId}`;
    if (event.type === 'invoke') invokes.set(key, event.timeMs);
    else if (event.type === 'ok') {
      const invokeMs = invokes.get(key);
      if (invokeMs !== undefined && windows.some((w) => invokeMs >= w.startMs && event.timeMs <= w.endMs)) count += 1;
    }
  }
  return count;
}

/**
 * After each heal (when heal returned), the time to the first successful acquisition
 * invoked after it. Pure. `null` entries are heals that no acquisition followed.
 */
export function recoveryTimes(history: readonly HistoryEvent[], windows: readonly AppliedWindow[]): (number | null)[] {
  const oks: Op[] = [];
  const invokes = new Map<string, number>();
  for (const event of history) {
    if (event.kind !== 'op' || event.f !== 'acquire') continue;
    const key = `${event.worker}\u0000${event.lockId}`;
    if (event.type === 'invoke') invokes.set(key, event.timeMs);
    else if (event.type === 'ok') oks.push(event);
  }
  return windows.map((window) => {
    let best: number | null = null;
    for (const ok of oks) {
      const invokeMs = invokes.get(`${ok.worker}\u0000${ok.lockId}`);
      if (invokeMs === undefined || invokeMs < window.healedMs) continue;
      const recoveryMs = ok.timeMs - window.healedMs;
      if (best === null || recoveryMs < best) best = recoveryMs;
    }
    return best;
  });
}
