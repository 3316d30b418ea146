import { sortByTime } from './history.js';
import type { FaultEvent, HistoryEvent } from './types.js';

/** One fault from its start to its stop. */
export interface FaultWindow {
  readonly name: string;
  readonly detail: string;
  readonly startMs: number;
  /** The matching stop; undefined if the fault was still on when the history ended. */
  readonly stopMs: number | undefined;
}

/**
 * Pairs fault start and stop events by nemesis name, first in first out: a nemesis
 * heals what it injected before injecting again. A stop with no open start is dropped
 * (a heal in setup, before anything was injected).
 */
export function faultWindows(events: readonly HistoryEvent[]): FaultWindow[] {
  const open = new Map<string, FaultEvent[]>();
  const windows: { name: string; detail: string; startMs: number; stopMs: number | undefined }[] = [];
  const openWindows = new Map<FaultEvent, (typeof windows)[number]>();
  for (const event of sortByTime(events)) {
    if (event.kind !== 'fault') continue;
    if (event.type === 'start') {
      const window = { name: event.name, detail: event.detail, startMs: event.timeMs, stopMs: undefined };
      windows.push(window);
      openWindows.set(event, window);
      const queue = open.get(event.name);
      if (queue === undefined) open.set(event.name, [event]);
      else queue.push(event);
      continue;
    }
    const start = open.get(event.name)?.shift();
    const window = start === undefined ? undefined : openWindows.get(start);
    if (window !== undefined) window.stopMs = event.timeMs;
  }
  return windows;
}
