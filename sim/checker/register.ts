import { HistoryFormatError } from '../history/history-format-error.js';
import { pairOperations } from '../history/history.js';
import { registerOf, type HistoryEvent, type Op, type RegisterKind, type WriteResult } from '../history/types.js';
import type { KnownCheckResult } from './check-result.js';
import { acquisitionKey, holdWindows, type HoldWindow } from './hold-windows.js';
import { checkTokenOrder } from './token-order.js';

/**
 * Why a register refused a write:
 * - `validity-ended`: the write reached the register after the writer's own validity had
 *   ended (a paused holder: Kleppmann's GC pause);
 * - `regression-victim`: the writer is a newer holder whose token regressed (it is not
 *   greater than the token of an acquisition that completed before it began), so an older
 *   holder's larger token shut it out;
 * - `superseded`: a newer holder's larger token reached the register first while the
 *   writer still believed it held the lock (the older half of a lock violation).
 */
export type RejectionCause = 'validity-ended' | 'regression-victim' | 'superseded';

/** One write the register answered, with what the checker derived about it. */
export interface CheckedWrite {
  readonly resource: string;
  readonly lockId: string;
  readonly worker: number;
  readonly invokeMs: number;
  readonly completionMs: number;
  readonly result: WriteResult;
  /** The validity end its acquisition claimed (undefined: none believable). */
  readonly validUntilMs: number | undefined;
  /** The write reached the register (its completion) after the writer's validity had ended. */
  readonly late: boolean;
  /** The writer's acquisition has a regressed token (see checkTokenOrder). */
  readonly regressedToken: boolean;
  /** Rejected writes only: why. */
  readonly cause: RejectionCause | undefined;
}

/** An accepted write that read a value other than the previous accepted write's result. */
export interface LostUpdate {
  readonly write: CheckedWrite;
  /** What the previous accepted write left (or the initial counter). */
  readonly expectedRead: number;
  /** The accepted write whose increment this one overwrote (undefined: the initial value). */
  readonly previous: CheckedWrite | undefined;
}

/** An accepted write whose token is not greater than that of a write accepted before it. */
export interface StaleWriteAccepted {
  readonly write: CheckedWrite;
  /** The largest token among writes the register accepted earlier. */
  readonly maxEarlierFence: string;
}

export type RegisterAnomaly = 'lost-update' | 'stale-write-accepted';

export interface RegisterDetails {
  readonly register: RegisterKind;
  /** Write invokes. */
  readonly writeAttempts: number;
  readonly acceptedCount: number;
  /** Writes the register refused, by cause; `total` is their sum. */
  readonly rejected: Readonly<Record<RejectionCause, number>> & { readonly total: number };
  /** Writes whose outcome is unknown: `info`, or no completion in the history. */
  readonly unknownCount: number;
  /** Writes that failed before the register answered (fail without a result). */
  readonly erroredCount: number;
  readonly lostUpdates: number;
  /** Lost updates in which the writer or the overwritten writer had a regressed token. */
  readonly lostUpdatesWithRegressedToken: number;
  readonly lostUpdateExamples: readonly LostUpdate[];
  readonly staleAccepted: number;
  readonly staleAcceptedExamples: readonly StaleWriteAccepted[];
  /** acceptedCount - (finalCounter - initialCounter x resources); null without finalCounter. */
  readonly lostUpdatesByCounter: number | null;
  /** Writes that reached the register after the writer's validity ended. */
  readonly lateWrites: number;
  readonly lateWritesAccepted: number;
  readonly lateWritesRejected: number;
  readonly lateWriteExamples: readonly CheckedWrite[];
  readonly rejectedExamples: readonly CheckedWrite[];
  /** The anomalies found, by name (empty when valid). */
  readonly anomalies: readonly RegisterAnomaly[];
}

/** Options of {@link checkRegister}. */
export interface RegisterCheckOptions {
  /** Which register's answers to judge (a write carries its group's register and the controls). */
  readonly register: RegisterKind;
  /**
   * The counter the register held after the run, summed over resources; enables the
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
 * The effects checker. A register numbers the writes it accepts (seq); replaying them in
 * that order finds the two anomalies that matter: a `lost-update` (an accepted write
 * whose read is not the value of the previous accepted write) and a
 * `stale-write-accepted` (an accepted write whose token is not greater than that of an
 * earlier accepted one). Either makes the register invalid, whatever its kind: the
 * Kleppmann register must show neither, the controls must be caught. Rejected writes are
 * counted by cause, and late writes are judged from the write's completion. Pure.
 */
export function checkRegister(history: readonly HistoryEvent[], options: RegisterCheckOptions): KnownCheckResult<RegisterDetails> {
  const maxExamples = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  if (!Number.isSafeInteger(maxExamples) || maxExamples < 0) {
    throw new RangeError(`maxExamples must be an integer >= 0, got ${String(maxExamples)}`);
  }
  const initialCounter = options.initialCounter ?? 0;
  const windows = new Map<string, HoldWindow>(holdWindows(history).map((w) => [acquisitionKey(w), w]));
  const regressed = checkTokenOrder(history, { maxExamples: 0 }).details.regressedKeys;
  const { pairs, orphanCompletions } = pairOperations(history, 'write');
  const orphan = orphanCompletions[0];
  if (orphan !== undefined) {
    throw new HistoryFormatError(`write ${orphan.type} of lockId ${orphan.lockId} (t=${orphan.timeMs}) has no invoke`);
  }

  const answered: CheckedWrite[] = [];
  let unknownCount = 0;
  let erroredCount = 0;
  for (const { invoke, completion } of pairs) {
    const key = acquisitionKey(invoke);
    const window = windows.get(key);
    if (window === undefined) {
      throw new HistoryFormatError(`write of lockId ${invoke.lockId} on ${invoke.resource} (t=${invoke.timeMs}) has no successful acquire`);
    }
    if (completion === undefined || completion.type === 'info') {
      unknownCount += 1;
      continue;
    }
    const result = resultFor(completion, options.register);
    if (result === undefined) {
      if (completion.type === 'ok') {
        throw new HistoryFormatError(`write ok of lockId ${invoke.lockId} (t=${completion.timeMs}) has no ${options.register} register result`);
      }
      erroredCount += 1;
      continue;
    }
    const late = window.validityTrusted && completion.timeMs > (window.validUntilMs as number);
    const regressedToken = regressed.has(key);
    const cause: RejectionCause | undefined = result.accepted ? undefined : regressedToken ? 'regression-victim' : late ? 'validity-ended' : 'superseded';
    answered.push({
      resource: invoke.resource,
      lockId: invoke.lockId,
      worker: invoke.worker,
      invokeMs: invoke.timeMs,
      completionMs: completion.timeMs,
      result,
      validUntilMs: window.validityTrusted ? window.validUntilMs : undefined,
      late,
      regressedToken,
      cause,
    });
  }

  const accepted = answered.filter((w) => w.result.accepted);
  const rejected = answered.filter((w) => !w.result.accepted);
  const byCause = (cause: RejectionCause): number => rejected.filter((w) => w.cause === cause).length;
  const lostUpdates: LostUpdate[] = [];
  const stale: StaleWriteAccepted[] = [];
  for (const writes of acceptedByResource(accepted).values()) {
    let maxFence: bigint | undefined;
    let expectedRead = initialCounter;
    let previous: CheckedWrite | undefined;
    for (const write of writes) {
      if (write.result.fence !== '') {
        const fence = BigInt(write.result.fence);
        if (maxFence !== undefined && fence <= maxFence) stale.push({ write, maxEarlierFence: maxFence.toString() });
        if (maxFence === undefined || fence > maxFence) maxFence = fence;
      }
      // The register numbers the writes it accepts: a seq skipped is an accepted write whose
      // completion is not in the history (its outcome unknown, or still in flight in a live
      // history), and this write read that one's value. Reads are compared across no gap.
      const follows = write.result.seq === (previous?.result.seq ?? 0) + 1;
      if (follows && write.result.read !== expectedRead) lostUpdates.push({ write, expectedRead, previous });
      expectedRead = write.result.wrote;
      previous = write;
    }
  }
  const resourceCount = new Set(pairs.map((p) => p.invoke.resource)).size;
  const lostUpdatesByCounter =
    options.finalCounter === undefined ? null : accepted.length - (options.finalCounter - initialCounter * resourceCount);
  const lateWrites = answered.filter((w) => w.late);
  const anomalies: RegisterAnomaly[] = [];
  if (lostUpdates.length > 0 || (lostUpdatesByCounter ?? 0) > 0) anomalies.push('lost-update');
  if (stale.length > 0) anomalies.push('stale-write-accepted');
  const rejectedCounts = {
    'validity-ended': byCause('validity-ended'),
    'regression-victim': byCause('regression-victim'),
    superseded: byCause('superseded'),
    total: rejected.length,
  };
  const parts = [
    `${options.register} register: ${accepted.length} accepted`,
    `${lostUpdates.length} lost updates` + (lostUpdatesByCounter === null ? '' : ` (${lostUpdatesByCounter} by final counter)`),
    `${stale.length} stale accepted`,
    `${rejected.length} rejected (${rejectedCounts['validity-ended']} validity ended, ${rejectedCounts['regression-victim']} regression victims, ${rejectedCounts.superseded} superseded)`,
    `${lateWrites.length} late (${lateWrites.filter((w) => w.result.accepted).length} accepted)`,
  ];
  if (unknownCount > 0) parts.push(`${unknownCount} unknown`);
  return {
    name: `register (${options.register})`,
    valid: anomalies.length === 0,
    summary: parts.join(', '),
    details: {
      register: options.register,
      writeAttempts: pairs.length,
      acceptedCount: accepted.length,
      rejected: rejectedCounts,
      unknownCount,
      erroredCount,
      lostUpdates: lostUpdates.length,
      lostUpdatesWithRegressedToken: lostUpdates.filter((l) => l.write.regressedToken || l.previous?.regressedToken === true).length,
      lostUpdateExamples: lostUpdates.slice(0, maxExamples),
      staleAccepted: stale.length,
      staleAcceptedExamples: stale.slice(0, maxExamples),
      lostUpdatesByCounter,
      lateWrites: lateWrites.length,
      lateWritesAccepted: lateWrites.filter((w) => w.result.accepted).length,
      lateWritesRejected: lateWrites.filter((w) => !w.result.accepted).length,
      lateWriteExamples: lateWrites.slice(0, maxExamples),
      rejectedExamples: rejected.slice(0, maxExamples),
      anomalies,
    },
  };
}

/** The completion's answer from one register: its group's own, or one of the controls. */
function resultFor(completion: Op, register: RegisterKind): WriteResult | undefined {
  const all = [...(completion.write === undefined ? [] : [completion.write]), ...(completion.controlWrites ?? [])];
  return all.find((result) => registerOf(result) === register);
}

/** Accepted writes per resource in the register's own order; rejects duplicate or invalid seqs. */
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
