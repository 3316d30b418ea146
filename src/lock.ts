import type { Redlock } from './redlock.js';
import { NODE_RUNTIME } from './runtime.js';
import type { ExecutionResult, ExecutionStats } from './types.js';

/**
 * What the Locks of one acquisition share (the acquired Lock and the Locks its
 * extensions returned): they are one lock on the nodes (same keys, same value).
 */
export interface Lineage {
  released: boolean;
  /** Monotonic ms at which the newest Lock of the lineage stops being valid. */
  validUntilMs: number;
  /** Monotonic ms after which no node can still hold a key of this lock (TTL, drift and node timeout passed). */
  keysGoneMs: number;
  /** The last TTL asked for, in ms (sizes the node timeout of the release). */
  ttlMs: number;
  /** The lock was acquired with releaseNotifications: its release publishes. */
  notify: boolean;
  readonly clock: () => number;
}

const lineages = new WeakMap<Lock, Lineage>();

/** The lineage of a Lock made by a Redlock; undefined for an object that only looks like one. */
export function lineageOf(lock: Lock): Lineage | undefined {
  return lineages.get(lock);
}

/** A lock held on a quorum of nodes, in node-redlock v5's shape plus validity and fence. */
export class Lock implements AsyncDisposable {
  constructor(
    readonly redlock: Redlock,
    readonly resources: string[],
    /** The lock's random value (128 bits, hex); it proves ownership to the nodes. */
    readonly value: string,
    readonly attempts: ReadonlyArray<Promise<ExecutionStats>>,
    /** Wall-clock ms (the Redlock runtime's wall clock, Date.now() by default) at which the validity ends, as in v5; 0 once released or extended. */
    public expiration: number,
    /** Monotonic ms (the Redlock's clock) at which the validity ends. Immune to wall-clock jumps. */
    readonly validUntilMs: number = Number.POSITIVE_INFINITY,
    /**
     * The fencing token when fencing is on: greater than the token of every
     * acquisition of these resources that completed before this one began.
     */
    readonly fence?: bigint,
    lineage?: Lineage,
  ) {
    lineages.set(
      this,
      lineage ?? { released: false, validUntilMs, keysGoneMs: Number.POSITIVE_INFINITY, ttlMs: 1_000, notify: false, clock: NODE_RUNTIME.monotonicMs },
    );
  }

  release(): Promise<ExecutionResult> {
    return this.redlock.release(this);
  }

  extend(duration: number): Promise<Lock> {
    return this.redlock.extend(this, duration);
  }

  /**
   * `await using lock = await redlock.acquire(...)` releases the lock when the block
   * ends. Disposing does nothing when the lock was already released (through this Lock
   * or another of its lineage), or when the newest validity of the lock has ended: its
   * keys then expire by themselves, and a release could only cost the time of nodes
   * that are down. Otherwise it releases, and a failed release rejects: it is not
   * swallowed. Disposing a Lock that extend() replaced releases the lock (same keys,
   * same value).
   */
  async [Symbol.asyncDispose](): Promise<void> {
    const lineage = lineages.get(this);
    if (lineage && (lineage.released || lineage.clock() >= lineage.validUntilMs)) return;
    await this.redlock.release(this);
  }
}
