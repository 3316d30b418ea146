import { HistoryFormatError } from '../history/history-format-error.js';
import { pairOperations } from '../history/history.js';
import type { HistoryEvent, WriteResult } from '../history/types.js';
import type { KnownCheckResult } from './check-result.js';
import { acquisitionKey, holdWindows, type HoldWindow } from './hold-windows.js';

/** One write the resource answered, with what the checker derived about it. */
export interface CheckedWrite {
  readonly resource: string;
  readonly lockId: string;
  readonly worker: number;
  readonly invokeMs: number;
  readonly completionMs: number;
  readonly result: WriteResult;
  /** The validity end its acquisition claimed. */
  readonly validUntilMs: number;
  /** Invoked after its lock's validity had ended: the GC-pause case. */
  readonly late: boolean;
}

/** An accepted write whose fence was not above every fence accepted before it. */
export interface OutOfOrderWrite {
  readonly write: CheckedWrite;
  /** The largest fence among writes the resource accepted earlier. */
  readonly maxEarlierFence: string;
}

/** An accepted write that read a value other than the previous accepted write's result. */
export interface LostUpdate {
  readonly write: CheckedWrite;
  /** What the previous accepted write left (or the initial counter). */
  readonly expectedRead: number;
}

export interface FencingDetails {
  readonly fenced: boolean;
  /** Write invokes. */
  readonly writeAttempts: number;
  readonly acceptedCount: number;
  /** Writes the resource refused (accepted: false). */
  readonly staleRejected: number;
  /** Writes whose outcome is unknown: `info`, or no completion in the history. */
  readonly unknownCount: number;
  /** Writes that failed before the resource answered (fail without a WriteResult). */
  readonly erroredCount: number;
  /** Fenced runs: must be 0. null for the unfenced control, where it has no meaning. */
  readonly outOfOrderAccepted: number | null;
  readonly outOfOrder: readonly OutOfOrderWrite[];
  /** Accepted writes that overwrote an increment they had not read. */
  readonly lostUpdates: number;
  readonly lostUpdateExamples: readonly LostUpdate[];
  /** acceptedCount - (finalCounter - initialCounter x resources); null without finalCounter. */
  readonly lostUpdatesByCounter: number | null;
  readonly lateWrites: number;
  readonly lateWritesAccepted: number;
  readonly lateWritesRejected: number;
  readonly lateWriteExamples: readonly CheckedWrite[];
}

/** Options of {@link checkFencing}. */
export interface FencingCheckOptions {
  /** Whether the resource checked fencing tokens (false: the unfenced control). */
  readonly fenced: boolean;
  /**
   * The counter the resource(s) held after the run, summed over resources; enables the
   * cross-check `lostUpdatesByCounter`. @default undefined (no cross-check)
   */
  readonly finalCounter?: number;
  /** Each resource's counter before the run. @default 0 */
  readonly initialCounter?: number;
  /** How many examples of each finding to keep (all are counted). @default 50 */
  readonly maxExamples?: number;
}

const DEFAULT_MAX_EXAMPLES = 50;

/**
 * The effects checker. The resource numbers the writes it accepts (seq); replaying them
 * in that order shows writes accepted out of token order (must be 0 in a fenced run),
 * lost updates (the unfenced control's failure), and late writes made after the
 * writer's validity ended. Valid means: fenced, no out-of-order write accepted;
 * unfenced, no lost update. Lost updates in a fenced run are reported but do not fail
 * it: a fence guards the write, not the read before it.
 */
export function checkFencing(
  history: readonly HistoryEvent[],
  options: FencingCheckOptions,
): KnownCheckResult<FencingDetails> {
  const maxExamples = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  if (!Number.isSafeInteger(maxExamples) || maxExamples < 0) {
    throw new RangeError(`maxExamples must be an integer >= 0, got ${String(maxExamples)}`);
  }
  const initialCounter = options.initialCounter ?? 0;
  const windows = new Map<string, HoldWindow>(holdWindows(history).map((w) => [acquisitionKey(w), w]));
  const { pairs, orphanCompletions } = pairOperations(history, 'write');
  const orphan = orphanCompletions[0];
  if (orphan !== undefined) {
    throw new HistoryFormatError(`write ${orphan.type} of lockId ${orphan.lockId} (t=${orphan.timeMs}) has no invoke`);
  }

  const answered: CheckedWrite[] = [];
  let unknownCount = 0;
  let erroredCount = 0;
  let lateWrites = 0;
  for (const { invoke, completion } of pairs) {
    const window = windows.get(acquisitionKey(invoke));
    if (window === undefined) {
      throw new HistoryFormatError(
        `write of lockId ${invoke.lockId} on ${invoke.resource} (t=${invoke.timeMs}) has no successful acquire`,
      );
    }
    const late = invoke.timeMs > window.validUntilMs;
    if (late) lateWrites += 1;
    if (completion === undefined || completion.type === 'info') {
      unknownCount += 1;
      continue;
    }
    if (completion.write === undefined) {
      if (completion.type === 'ok') {
        throw new HistoryFormatError(`write ok of lockId ${invoke.lockId} (t=${completion.timeMs}) has no write result`);
      }
      erroredCount += 1;
      continue;
    }
    if (options.fenced && completion.write.fence === '') {
      throw new HistoryFormatError(`fenced run, but write of lockId ${invoke.lockId} carried no fence`);
    }
    answered.push({
      resource: invoke.resource,
      lockId: invoke.lockId,
      worker: invoke.worker,
      invokeMs: invoke.timeMs,
      completionMs: completion.timeMs,
      result: completion.write,
      validUntilMs: window.validUntilMs,
      late,
    });
  }

  const accepted = answered.filter((w) => w.result.accepted);
  const staleRejected = answered.length - accepted.length;
  const outOfOrder: OutOfOrderWrite[] = [];
  const lostUpdates: LostUpdate[] = [];
  for (const writes of acceptedByResource(accepted).values()) {
    let maxFence: bigint | undefined;
    let expectedRead = initialCounter;
    for (const write of writes) {
      if (options.fenced) {
        const fence = BigInt(write.result.fence);
        if (maxFence !== undefined && fence <= maxFence) {
          outOfOrder.push({ write, maxEarlierFence: maxFence.toString() });
        }
        if (maxFence === undefined || fence > maxFence) maxFence = fence;
      }
      if (write.result.read !== expectedRead) lostUpdates.push({ write, expectedRead });
      expectedRead = write.result.wrote;
    }
  }
  const resourceCount = new Set(pairs.map((p) => p.invoke.resource)).size;
  const lostUpdatesByCounter =
    options.finalCounter === undefined
      ? null
      : accepted.length - (options.finalCounter - initialCounter * resourceCount);
  const lateAccepted = answered.filter((w) => w.late && w.result.accepted).length;
  const lateRejected = answered.filter((w) => w.late && !w.result.accepted).length;

  const valid = options.fenced
    ? outOfOrder.length === 0
    : lostUpdates.length === 0 && (lostUpdatesByCounter ?? 0) <= 0;
  const parts = [
    `${accepted.length} accepted`,
    options.fenced ? `${outOfOrder.length} out of token order` : 'unfenced',
    `${staleRejected} stale rejected`,
    `${lostUpdates.length} lost updates` +
      (lostUpdatesByCounter === null ? '' : ` (${lostUpdatesByCounter} by final counter)`),
    `${lateWrites} late (${lateAccepted} accepted)`,
  ];
  if (unknownCount > 0) parts.push(`${unknownCount} unknown`);
  return {
    name: 'fencing',
    valid,
    summary: parts.join(', '),
    details: {
      fenced: options.fenced,
      writeAttempts: pairs.length,
      acceptedCount: accepted.length,
      staleRejected,
      unknownCount,
      erroredCount,
      outOfOrderAccepted: options.fenced ? outOfOrder.length : null,
      outOfOrder: outOfOrder.slice(0, maxExamples),
      lostUpdates: lostUpdates.length,
      lostUpdateExamples: lostUpdates.slice(0, maxExamples),
      lostUpdatesByCounter,
      lateWrites,
      lateWritesAccepted: lateAccepted,
      lateWritesRejected: lateRejected,
      lateWriteExamples: answered.filter((w) => w.late).slice(0, maxExamples),
    },
  };
}

/** Accepted writes per resource in the resource's own order; rejects duplicate or invalid seqs. */
function acceptedByResource(accepted: readonly CheckedWrite[]): Map<string, CheckedWrite[]> {
  const byResource = new Map<string, CheckedWrite[]>();
  for (const write of accepted) {
    if (write.result.seq < 1) {
      throw new HistoryFormatError(`accepted write of lockId ${write.lockId} has seq ${write.result.seq}; seqs start at 1`);
    }
    const list = byResource.get(write.resource);
    if (list === undefined) byResource.set(write.resource, [write]);
    else list.push(write);
  }
  for (const [resource, list] of byResource) {
    list.sort((a, b) => a.result.seq - b.result.seq);
    for (let i = 1; i < list.length; i += 1) {
      if (list[i]?.result.seq === list[i - 1]?.result.seq) {
        throw new HistoryFormatError(`resource ${resource} accepted two writes with seq ${String(list[i]?.result.seq)}`);
      }
    }
  }
  return byResource;
}
