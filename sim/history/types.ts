/**
 * The lab's history: plain data, one JSON object per line, in the style of Jepsen.
 * An operation is recorded twice: `invoke` when it starts, then one completion:
 * `ok` (it happened), `fail` (it certainly did not happen) or `info` (the outcome is
 * unknown: a timed-out acquire or release, a worker that died mid-call). An invoke with
 * no completion at all (the worker was killed) is read as `info`. Every time is
 * CLOCK_MONOTONIC in milliseconds (`monotonicMs()` from src/clock.ts), shared by all
 * worker processes on one host.
 *
 * The format is shared by the lab's runner and by the deterministic simulator
 * (sim/explore/), and read by the pure checkers in sim/checker/. Fields are only ever
 * added, optional, so that old histories stay readable.
 *
 * One acquisition's operations, in the order a worker runs them:
 *   acquire invoke (ttlMs) -> acquire ok (fence, validUntilMs) | fail | info
 *   write invoke (fence) -> write ok | fail (write: the group's register; controlWrites:
 *     the same read-modify-write on the control registers) | info (no answer)
 *   release invoke -> release ok | fail | info
 * The write invoke is stamped before the read: the read, the slow part and the write
 * all happen between the write's invoke and its completion; lateness is judged at the
 * completion (when the write reached the register).
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** What an operation does. `write` is the critical section's read-modify-write on the register. */
export type OpName = 'acquire' | 'release' | 'write';

/**
 * How a register treats fencing tokens:
 * - `kleppmann`: Kleppmann's rule in full: the read presents (token, lock value) and
 *   raises the register's highest-seen token; a write is accepted only if its token is
 *   the highest seen and was presented by the same lock. Loses no update unless tokens
 *   regress.
 * - `write-check`: checks the token at the write only (accepted if greater than the last
 *   accepted): a negative control, it loses updates when two holders overlap.
 * - `none`: accepts every write: a negative control, it accepts stale writes.
 */
export type RegisterKind = 'kleppmann' | 'write-check' | 'none';

export const REGISTER_KINDS: readonly RegisterKind[] = ['kleppmann', 'write-check', 'none'];

export interface Op {
  readonly kind: 'op';
  readonly type: OpType;
  readonly f: OpName;
  /** The worker (lock loop) that ran it. */
  readonly worker: number;
  /** The client group the worker belongs to (its own Toxiproxy proxies). */
  readonly group: number;
  /** The locked resource (lock key). */
  readonly resource: string;
  /** Identifies one acquisition within the run; links its acquire, write and release. */
  readonly lockId: string;
  /** CLOCK_MONOTONIC milliseconds. */
  readonly timeMs: number;
  /** acquire invoke: the TTL asked for, ms; an `info` acquire may hold the lock this long. */
  readonly ttlMs?: number;
  /** acquire ok, write invoke: the fencing token (decimal string of a bigint), when fencing is on. */
  readonly fence?: string;
  /**
   * acquire ok: when the holder believes its lock ends (monotonic ms). For a
   * spec-correct client this is the end of the validity time. A client that reports
   * none (or one earlier than its ok) is judged by its release alone.
   */
  readonly validUntilMs?: number;
  /** write ok / fail: the answer of the group's own register (see WriteResult). */
  readonly write?: WriteResult;
  /** write ok / fail: the same read-modify-write on the control registers, one result each. */
  readonly controlWrites?: readonly WriteResult[];
  /**
   * acquire ok / fail / info: the nodes (0-based) that failed or timed out in the last
   * attempt, not those that refused because the lock was held: a crash or partition seen
   * from the client. @default none
   */
  readonly unreachable?: readonly number[];
  /** fail / info: why. */
  readonly error?: string;
}

/** What a register outside the faulted network answered to one read-modify-write. */
export interface WriteResult {
  /** Which register. @default "none" when fence is "", else "write-check" (histories before registers were named) */
  readonly register?: RegisterKind;
  /** Whether the register applied the write. */
  readonly accepted: boolean;
  /** The register's own acceptance order: 1, 2, 3, ... for accepted writes; 0 when rejected. */
  readonly seq: number;
  /** The token the write carried ("" when the holder had none). */
  readonly fence: string;
  /** The counter value the writer read before its slow read-modify-write. */
  readonly read: number;
  /** The value it wrote (read + 1). */
  readonly wrote: number;
}

/**
 * A fault window edge, recorded by the nemesis when the fault really took effect (after
 * inject returned) or ended: the injected schedule as it happened.
 */
export interface FaultEvent {
  readonly kind: 'fault';
  readonly type: 'start' | 'stop';
  /** The nemesis name, e.g. "partition". */
  readonly name: string;
  /** Human-readable detail, e.g. "nodes 0,1 black-holed". */
  readonly detail: string;
  readonly timeMs: number;
  /**
   * What the nemesis measured of the fault's effect, e.g. `{ keysShortened: 3 }` or
   * `{ keysLeftBehind: 2 }`; finite numbers only. @default none
   */
  readonly measured?: Readonly<Record<string, number>>;
}

export type HistoryEvent = Op | FaultEvent;

/** The register a write result belongs to, for histories written before registers were named. */
export function registerOf(result: WriteResult): RegisterKind {
  return result.register ?? (result.fence === '' ? 'none' : 'write-check');
}
