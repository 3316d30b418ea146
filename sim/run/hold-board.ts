import type { ReactiveSpec } from '../scenarios/schedule.js';
import type { HoldReport } from '../workload/worker-config.js';

/** A moment worth a fault: a holder inside its critical section and another group waiting. */
export interface Strike {
  readonly resource: string;
  readonly holderWorker: number;
  readonly holderGroup: number;
  /** How long the holder has held, ms. */
  readonly heldMs: number;
  /** Validity the holder has left, ms. */
  readonly remainingMs: number;
  readonly waitingGroups: readonly number[];
}

interface Holding {
  readonly group: number;
  readonly sinceMs: number;
  readonly validUntilMs: number;
}

/**
 * Who holds and who waits, per resource, from the workers' hold reports: the generator's
 * view of the history so far. Pure: reports and the time come in, a strike (or none) goes
 * out, so the reactive faults can be tested without processes.
 */
export class HoldBoard {
  private readonly holding = new Map<string, Map<number, Holding>>();
  private readonly waiting = new Map<string, Map<number, number>>();

  apply(report: HoldReport): void {
    const { resource, worker } = report;
    this.slot(this.waiting, resource).delete(worker);
    this.slot(this.holding, resource).delete(worker);
    if (report.state === 'waiting') this.slot(this.waiting, resource).set(worker, report.group);
    else if (report.state === 'holding' && report.validUntilMs !== undefined) {
      this.slot(this.holding, resource).set(worker, { group: report.group, sinceMs: report.sinceMs ?? report.validUntilMs, validUntilMs: report.validUntilMs });
    }
  }

  /** The first moment matching `spec` at `nowMs`, if any. */
  findStrike(spec: Pick<ReactiveSpec, 'holderGroups' | 'minHeldMs' | 'minRemainingMs'>, nowMs: number): Strike | undefined {
    for (const [resource, holders] of this.holding) {
      for (const [worker, hold] of holders) {
        if (!spec.holderGroups.includes(hold.group)) continue;
        const heldMs = nowMs - hold.sinceMs;
        const remainingMs = hold.validUntilMs - nowMs;
        if (heldMs < spec.minHeldMs || remainingMs < spec.minRemainingMs) continue;
        const waitingGroups = [...new Set([...(this.waiting.get(resource) ?? new Map<number, number>()).values()])].filter((group) => group !== hold.group);
        if (waitingGroups.length === 0) continue;
        return { resource, holderWorker: worker, holderGroup: hold.group, heldMs, remainingMs, waitingGroups: waitingGroups.sort((a, b) => a - b) };
      }
    }
    return undefined;
  }

  private slot<V>(map: Map<string, Map<number, V>>, resource: string): Map<number, V> {
    let inner = map.get(resource);
    if (inner === undefined) {
      inner = new Map();
      map.set(resource, inner);
    }
    return inner;
  }
}

/** A strike in words, for the fault's trigger. */
export function describeStrike(strike: Strike): string {
  return (
    `worker ${strike.holderWorker} (group ${strike.holderGroup}) inside its critical section on ${strike.resource} ` +
    `for ${Math.round(strike.heldMs)} ms (${Math.round(strike.remainingMs)} ms of validity left), group ${strike.waitingGroups.join(',')} waiting`
  );
}
