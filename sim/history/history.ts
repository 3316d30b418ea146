import type { HistoryEvent, Op, OpName } from './types.js';

/** An operation's invoke and its completion (undefined while it is still pending). */
export interface OpPair {
  readonly invoke: Op;
  readonly completion: Op | undefined;
}

/** The result of {@link pairOperations}. */
export interface PairedOperations {
  /** In invoke order. */
  readonly pairs: readonly OpPair[];
  /** Completions with no earlier invoke of the same (worker, lockId, f): a malformed history. */
  readonly orphanCompletions: readonly Op[];
}

/** Events sorted by timeMs; stable, so events stamped in the same millisecond keep file order. */
export function sortByTime<E extends HistoryEvent>(events: readonly E[]): E[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.timeMs - b.event.timeMs || a.index - b.index)
    .map(({ event }) => event);
}

/** The operations of a history (its fault events left out). */
export function operations(events: readonly HistoryEvent[]): Op[] {
  return events.filter((event): event is Op => event.kind === 'op');
}

/** The key an invoke shares with its completion. */
export function opKey(op: Pick<Op, 'worker' | 'lockId' | 'f'>): string {
  return `${op.worker}\u0000${op.lockId}\u0000${op.f}`;
}

/**
 * Pairs each invoke with its completion, per (worker, lockId, f), in time order. A
 * worker runs its operations one after another, so the oldest pending invoke of a key
 * is the one a completion answers.
 */
export function pairOperations(events: readonly HistoryEvent[], f?: OpName): PairedOperations {
  const pending = new Map<string, { invoke: Op; completion: Op | undefined }[]>();
  const pairs: { invoke: Op; completion: Op | undefined }[] = [];
  const orphanCompletions: Op[] = [];
  for (const op of operations(sortByTime(events))) {
    if (f !== undefined && op.f !== f) continue;
    const key = opKey(op);
    if (op.type === 'invoke') {
      const pair = { invoke: op, completion: undefined };
      pairs.push(pair);
      const queue = pending.get(key);
      if (queue === undefined) pending.set(key, [pair]);
      else queue.push(pair);
      continue;
    }
    const pair = pending.get(key)?.shift();
    if (pair === undefined) orphanCompletions.push(op);
    else pair.completion = op;
  }
  return { pairs, orphanCompletions };
}
