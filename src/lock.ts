import type { ExecutionResult, ExecutionStats } from './types.js';

/** What a Lock needs from the Redlock that issued it. */
export interface LockOwner {
  release(lock: Lock): Promise<ExecutionResult>;
  extend(lock: Lock, duration: number): Promise<Lock>;
}

/** A lock held on a quorum of nodes, in node-redlock v5's shape plus validity and fence. */
export class Lock {
  constructor(
    readonly redlock: LockOwner,
    readonly resources: string[],
    /** The lock's random value (128 bits, hex); it proves ownership to the nodes. */
    readonly value: string,
    readonly attempts: ReadonlyArray<Promise<ExecutionStats>>,
    /** Wall-clock ms (Date.now() scale) at which the validity ends, as in v5; 0 once released or extended. */
    public expiration: number,
    /** Monotonic ms (`monotonicMs()` scale) at which the validity ends. Immune to wall-clock jumps. */
    readonly validUntilMs: number = Number.POSITIVE_INFINITY,
    /**
     * The fencing token when fencing is on: greater than the token of every
     * acquisition of these resources that completed before this one began.
     */
    readonly fence?: bigint,
  ) {}

  release(): Promise<ExecutionResult> {
    return this.redlock.release(this);
  }

  extend(duration: number): Promise<Lock> {
    return this.redlock.extend(this, duration);
  }
}
