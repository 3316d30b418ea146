import type { Redlock } from './redlock.js';
import { NODE_RUNTIME } from './runtime.js';
import type { ExecutionResult, ExecutionStats } from './types.js';

/** What the locks of one acquisition (the acquired Lock and the Locks its extensions returned) share. */
interface Lineage {
  released: boolean;
  /** Monotonic ms at which the newest Lock of the lineage stops being valid. */
  validUntilMs: number;
}

/** A lock held on a quorum of nodes, in node-redlock v5's shape plus validity and fence. */
export class Lock implements AsyncDisposable {
  private readonly lineage: Lineage;

  constructor(
    readonly redlock: Redlock,
    readonly resources: string[],
    /** The lock's random value (128 bits, hex); it proves ownership to the nodes. */
    readonly value: string,
    readonly attempts: ReadonlyArray<Promise<ExecutionStats>>,
    /** Wall-clock ms (Date.now() scale) at which the validity ends, as in v5; 0 once released or extended. */
    public expiration: number,
    /** Monotonic ms (the Redlock's clock) at which the validity ends. Immune to wall-clock jumps. */
    readonly validUntilMs: number = Number.POSITIVE_INFINITY,
    /**
     * The fencing token when fencing is on: greater than the token of every
     * acquisition of these resources that completed before this one began.
     */
    readonly fence?: bigint,
    private readonly clock: () => number = NODE_RUNTIME.monotonicMs,
    lineage?: Lineage,
  ) {
    this.lineage = lineage ?? { released: false, validUntilMs };
  }

  release(): Promise<ExecutionResult> {
    return this.redlock.release(this);
  }

  extend(duration: number): Promise<Lock> {
    return this.redlock.extend(this, duration);
  }

  /**
   * `await using lock = await redlock.acquire(...)` releases the lock when the block
   * ends. Disposing does nothing when the lock was already released (by this Lock or
   * another of its extensions), or when the newest validity of the lock has ended: its
   * keys then expire by themselves, and a release could only cost the time of nodes that
   * are down. Otherwise it releases, and a failed release rejects: it is not swallowed.
   * Disposing a Lock that extend() replaced releases the lock too (same keys, same value).
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.lineage.released || this.clock() >= this.lineage.validUntilMs) return;
    await this.redlock.release(this);
  }

  /** Marks the lock released, for every Lock of its lineage. Used by Redlock.release. */
  markReleased(): void {
    this.lineage.released = true;
  }

  /** The Lock an extension returns: same resources, value and fence; shares this one's lineage. */
  successor(attempts: ReadonlyArray<Promise<ExecutionStats>>, expiration: number, validUntilMs: number): Lock {
    this.lineage.validUntilMs = validUntilMs;
    return new Lock(this.redlock, this.resources, this.value, attempts, expiration, validUntilMs, this.fence, this.clock, this.lineage);
  }
}
