import { monotonicMs } from '../../src/clock.js';
import { checkMutex } from '../checker/mutex.js';
import { checkRegister } from '../checker/register.js';
import type { FaultEvent, HistoryEvent, RegisterKind } from '../history/types.js';
import type { Expectation, GroupSpec } from '../scenarios/types.js';
import type { WorkerConfig } from '../workload/worker-config.js';
import { acquisitionsByGroup, measureEffects } from './evidence.js';
import { evidenceGaps } from './evidence-rule.js';
import type { LiveTimeline } from './fault-timeline.js';
import { HistoryTail } from './history-tail.js';

// How often the histories are read to see whether the row has its evidence yet.
const EVIDENCE_POLL_MS = 250;

/** What the watch needs to know about the row and its run. */
export interface EvidenceWatchInput {
  readonly configs: readonly WorkerConfig[];
  readonly expected: Expectation;
  readonly groups: readonly GroupSpec[];
  /** The row's evidence length (ms): the per-group minimums are scaled to it. */
  readonly evidenceRunMs: number;
  /** Monotonic ms before which the row never stops: every row runs at least its duration. */
  readonly notBeforeMs: number;
  /** The timed and reactive faults as they play. */
  readonly live: LiveTimeline;
  /** Fault events recorded so far (the nemeses' measurements live there). */
  readonly faultEvents: readonly FaultEvent[];
  /** Whole-run faults in force (they count as applied windows). */
  readonly wholeRunFaults: number;
  /** What the faults in force have measured so far, as fault events (a whole-run fault records its own only after the run). */
  readonly measuredSoFar: () => readonly FaultEvent[];
}

/**
 * Reads the histories while the workers run and calls `enough` at the first moment the
 * row has its evidence: the run's duration has passed; the evidence rule finds no gap
 * (every targeted group at its minimum, every expected effect measured, an unsafe row at
 * its violations); the named predictions are seen (each control register that must be
 * caught shows its anomaly, the Kleppmann register rejected a stale write where the row
 * says so); and, for a row that checks recovery, the moment is quiet (no fault in force,
 * its recovery time since the last heal). Ends when `signal` aborts; the row's
 * bound is the runner's.
 */
export async function watchEvidence(input: EvidenceWatchInput, signal: AbortSignal, enough: () => void): Promise<void> {
  const { expected, live } = input;
  const tail = new HistoryTail(input.configs.map((config) => config.historyPath));
  const predicted = new Map<RegisterKind, Set<number>>();
  for (const kind of [...(expected.controlsCaught ?? []), ...(expected.staleRejected === 'some' ? (['kleppmann'] as const) : [])]) predicted.set(kind, new Set());
  for (const config of input.configs) {
    for (const kind of [config.register, ...config.controlRegisters]) predicted.get(kind)?.add(config.group);
  }
  const writers = new Set([...predicted.values()].flatMap((groups) => [...groups]));
  const quietAfterHealMs = expected.liveness.recoverAfter === undefined ? 0 : (expected.liveness.recoverWithinMs ?? 0);
  // A live history ends with operations in flight: a release whose reply has not come yet
  // leaves its holder's window open to the validity end, an overlap the final history may
  // not have. Only violations that began a TTL before now are counted (a release is bounded
  // by the per-node timeout, far below a TTL), so the row never stops on a count the
  // verdict would not confirm.
  const settleMs = Math.max(...input.configs.map((config) => config.ttlMs), 0);
  const ops: HistoryEvent[] = [];
  const written: HistoryEvent[] = [];
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, EVIDENCE_POLL_MS);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    if (signal.aborted) return;
    for (const event of tail.readNew()) {
      if (event.kind !== 'op') continue;
      if (event.f !== 'write') ops.push(event);
      // The register checker pairs each write with its acquire: the writers' whole history.
      if (writers.has(event.group)) written.push(event);
    }
    const nowMs = monotonicMs();
    if (nowMs < input.notBeforeMs) continue;
    try {
      const events: HistoryEvent[] = [...input.faultEvents, ...input.measuredSoFar(), ...ops];
      const gaps = evidenceGaps(expected, input.groups, input.evidenceRunMs, {
        acquisitionsByGroup: acquisitionsByGroup(ops, input.groups.length),
        effects: measureEffects(expected.effects ?? [], events, live.applied),
        faultWindows: live.applied.length + input.wholeRunFaults,
        lockViolations: expected.locks === 'unsafe' ? settledViolations(ops, nowMs - settleMs) : null,
      });
      if (gaps.length > 0) continue;
      if (![...predicted].every(([kind, groups]) => predictionSeen(kind, written.filter((e) => e.kind === 'op' && groups.has(e.group))))) continue;
      // The evidence is in. A row that checks recovery after each heal stops only at a quiet
      // moment (no fault in force, its recovery time since the last heal), and no new fault
      // starts meanwhile; any other row stops now (a fault in force is healed after).
      if (quietAfterHealMs > 0) {
        live.draining = true;
        const healedAgoMs = live.lastHealedMs === undefined ? Infinity : monotonicMs() - live.lastHealedMs;
        if (live.active > 0 || healedAgoMs < quietAfterHealMs) continue;
      }
      enough();
      return;
    } catch {
      // A history caught mid-write may not check yet; the next look will, and the verdict uses the final read.
    }
  }
}

// Every violation of a live history is listed, to tell the settled ones; a row stops long before this many.
const LIVE_VIOLATIONS_LISTED_MAX = 10_000;

/** Lock violations of a live history that began before `beforeMs`. */
function settledViolations(ops: readonly HistoryEvent[], beforeMs: number): number {
  return checkMutex(ops, { maxViolationsListed: LIVE_VIOLATIONS_LISTED_MAX }).details.violations.filter((v) => v.overlapStartMs < beforeMs).length;
}

/** A control register shows its anomaly; the Kleppmann register rejected a stale write. */
function predictionSeen(kind: RegisterKind, writes: readonly HistoryEvent[]): boolean {
  const check = checkRegister(writes, { register: kind, maxExamples: 0 });
  return kind === 'kleppmann' ? check.details.rejected.total > 0 : !check.valid;
}
