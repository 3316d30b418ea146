import { monotonicMs } from '../../src/clock.js';
import type { FaultEvent } from '../history/types.js';
import type { Testbed } from '../testbed/testbed.js';

/** A lock-client worker process, as the nemeses see it (client pauses stop them). */
export interface NemesisWorker {
  readonly pid: number;
  readonly group: number;
}

/** What a nemesis acts on and reports to. */
export interface NemesisContext {
  readonly testbed: Testbed;
  /** The lock-client worker processes, for client pauses. */
  readonly workers: readonly NemesisWorker[];
  /** The run's seeded source in [0, 1): every random choice a nemesis makes uses it. */
  readonly random: () => number;
  /** The workload's lock TTL in ms (a delayed restart must outlast it). */
  readonly ttlMs: number;
  /** Appends a fault window edge to the history. */
  record(event: FaultEvent): void;
}

/**
 * One kind of fault, in the style of Jepsen's nemesis and Toxiproxy's toxics:
 * setup heals (a run starts clean even after a crashed one), inject starts the fault, heal
 * ends it, teardown heals. inject and heal are idempotent: a second inject while active and
 * a heal while healed change nothing and record nothing. inject records a `start` fault
 * event and the matching heal a `stop`, both stamped with monotonicMs().
 */
export interface Nemesis {
  /** Short name used in fault events and reports, e.g. "partition". */
  readonly name: string;
  setup(ctx: NemesisContext): Promise<void>;
  inject(ctx: NemesisContext): Promise<void>;
  heal(ctx: NemesisContext): Promise<void>;
  teardown(ctx: NemesisContext): Promise<void>;
  /**
   * Only for nemeses that act through Toxiproxy: after toxiproxy-server was restarted
   * (a hung API, see Testbed.restartToxiproxy) every toxic is gone; this places this
   * nemesis's toxics again if it is active, and does nothing otherwise. Records nothing:
   * the runner records the restart itself as a fault window.
   */
  restore?(ctx: NemesisContext): Promise<void>;
  /**
   * What the nemesis has measured so far while it is in force (the keys of its stop
   * event's `measured`): a whole-run fault records its stop only after the run, and the
   * runner decides before that whether the row has its evidence. @default none
   */
  measuredSoFar?(): Readonly<Record<string, number>> | undefined;
}

/** A fault event stamped now. */
export function faultEvent(type: FaultEvent['type'], name: string, detail: string): FaultEvent {
  return { kind: 'fault', type, name, detail, timeMs: monotonicMs() };
}

/** Resolves after `ms` (a nemesis waiting out a delay). */
export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
