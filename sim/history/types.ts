/**
 * The lab's history: plain data, one JSON object per line, in the style of Jepsen.
 * An operation is recorded twice: `invoke` when it starts, then one completion:
 * `ok` (it happened), `fail` (it certainly did not happen) or `info` (the outcome is
 * unknown, e.g. a timed-out acquire). Every time is CLOCK_MONOTONIC in milliseconds
 * (`monotonicMs()` from src/clock.ts), shared by all worker processes on one host.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** What an operation does. `write` is the critical section's write to the resource. */
export type OpName = 'acquire' | 'release' | 'write';

export interface Op {
  readonly kind: 'op';
  readonly type: OpType;
  readonly f: OpName;
  /** The worker process that ran it. */
  readonly worker: number;
  /** The client group the worker belongs to (its own Toxiproxy proxies). */
  readonly group: number;
  /** The locked resource (lock key). */
  readonly resource: string;
  /** Identifies one acquisition within the run; links its acquire, write and release. */
  readonly lockId: string;
  /** CLOCK_MONOTONIC milliseconds. */
  readonly timeMs: number;
  /** acquire ok: the fencing token (decimal string of a bigint), when fencing is on. */
  readonly fence?: string;
  /**
   * acquire ok: when the holder believes its lock ends (monotonic ms). For a
   * spec-correct client this is the end of the validity time.
   */
  readonly validUntilMs?: number;
  /** write ok / fail: the resource's answer (see WriteResult). */
  readonly write?: WriteResult;
  /** fail / info: why. */
  readonly error?: string;
}

/** What the resource outside the faulted network answered to one write. */
export interface WriteResult {
  /** Whether the resource applied the write. */
  readonly accepted: boolean;
  /** The resource's own acceptance order: 1, 2, 3, ... for accepted writes; 0 when rejected. */
  readonly seq: number;
  /** The token the write carried ("" for the unfenced control). */
  readonly fence: string;
  /** The counter value the writer read before its slow read-modify-write. */
  readonly read: number;
  /** The value it wrote (read + 1). */
  readonly wrote: number;
}

/** A fault window, for the report's shading and for recovery-time checks. */
export interface FaultEvent {
  readonly kind: 'fault';
  readonly type: 'start' | 'stop';
  /** The nemesis name, e.g. "partition". */
  readonly name: string;
  /** Human-readable detail, e.g. "nodes 0,1 black-holed". */
  readonly detail: string;
  readonly timeMs: number;
}

export type HistoryEvent = Op | FaultEvent;
