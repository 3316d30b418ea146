import type { RegisterKind } from '../history/types.js';
import type { Endpoint } from '../testbed/endpoint.js';
import type { LockClientLibrary } from './lock-client-library.js';

/**
 * Which lock client a worker runs. `correct` is this library; the others are negative
 * controls, deliberately broken the ways real clients break, that the checkers must catch:
 * - `no-validity-check`: takes a quorum with SET NX PX but never subtracts the elapsed
 *   time (node-redlock's #296): it believes it holds the lock for a full TTL from the
 *   moment its acquire returned, however long the acquire took;
 * - `plain-del-release`: releases with a plain DEL on every node, deleting whoever holds
 *   the lock now; it also overruns its TTL now and then (as a GC pause would), which is
 *   when that DEL hits someone else's lock;
 * - `long-critical-section`: works longer than the TTL and never extends.
 */
export type ClientVariant = 'correct' | 'no-validity-check' | 'plain-del-release' | 'long-critical-section';

export const CLIENT_VARIANTS: readonly ClientVariant[] = ['correct', 'no-validity-check', 'plain-del-release', 'long-critical-section'];

/** An inclusive [min, max] range in ms. */
export type RangeMs = readonly [number, number];

/** One lock loop of a worker process: a "worker" of the history, with its own seed. */
export interface LoopIdentity {
  /** Its id in the history (unique in the run). */
  readonly workerId: number;
  /** The loop's own seed, derived from the run's seed. */
  readonly seed: number;
}

/** Everything a worker process needs; sent over IPC as its first message. */
export interface WorkerConfig {
  /** The process's label: its first loop's workerId. */
  readonly workerId: number;
  /**
   * The acquire/write/release loops this process runs concurrently (at least one), each a
   * worker of its own in the history. They share the process's lock client and
   * connections, as the request handlers of one application server do, and a pause of
   * the process (SIGSTOP) stops them all. Loops are much cheaper than processes on a
   * small machine.
   */
  readonly loops: readonly LoopIdentity[];
  readonly group: number;
  /** The group's proxy endpoint for each node, in node order. */
  readonly endpoints: readonly Endpoint[];
  /** The fenced resource's Redis (outside the faulted network). */
  readonly resourceEndpoint: Endpoint;
  /** Lock resources this worker contends on. */
  readonly resources: readonly string[];
  readonly ttlMs: number;
  readonly driftFactor: number;
  /** How long the worker runs after "go", in ms. */
  readonly runMs: number;
  /** Upper bound on acquire attempts per loop, whatever the duration. */
  readonly maxAttempts: number;
  readonly variant: ClientVariant;
  /** Whether the library hands out fencing tokens (the writes then carry them). */
  readonly fenced: boolean;
  /** The register its critical sections increment (recorded as the write's `write`). */
  readonly register: RegisterKind;
  /**
   * The control registers the same critical section also increments (recorded as the
   * write's `controlWrites`), so that the negative controls see exactly the same holders.
   */
  readonly controlRegisters: readonly RegisterKind[];
  /** Whether its loops tell the runner when they wait, hold and let go (for reactive faults). */
  readonly reportsHolds: boolean;
  /** The seed of the library's retry jitter in this process. */
  readonly librarySeed: number;
  /** Planned critical-section length (the sleep between read and write). */
  readonly holdMs: RangeMs;
  /** Pause between one release and the next acquire. */
  readonly thinkMs: RangeMs;
  /** Library retries per acquire (0: try once). */
  readonly retryCount: number;
  readonly retryDelayMs: number;
  /** Per-node command timeout of the library. */
  readonly nodeTimeoutMs: number;
  /** Where the worker appends its JSONL history. */
  readonly historyPath: string;
  /** The client library the Redlock of library-based variants runs on. @default 'ioredis' */
  readonly client?: LockClientLibrary;
}

/** Messages from the runner to a worker. */
export type ToWorker = { readonly type: 'config'; readonly config: WorkerConfig } | { readonly type: 'go' } | { readonly type: 'stop' };

/**
 * What a loop of a `reportsHolds` worker tells the runner, as it happens: it began to
 * acquire (`waiting`), it holds the lock until `validUntilMs` (`holding`), or it let go
 * (`idle`: released, failed, or gave up).
 */
export interface HoldReport {
  readonly state: 'waiting' | 'holding' | 'idle';
  readonly worker: number;
  readonly group: number;
  readonly resource: string;
  /** holding: when the holder's validity ends (monotonic ms). */
  readonly validUntilMs?: number;
  /** holding: when the acquire returned (monotonic ms). */
  readonly sinceMs?: number;
}

/** Messages from a worker to the runner. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'hold'; readonly report: HoldReport }
  | { readonly type: 'done'; readonly attempts: number }
  | { readonly type: 'error'; readonly message: string };
