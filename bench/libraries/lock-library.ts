/**
 * The libraries a bench can drive. `redquorum-self` is a second, independent redquorum
 * (`--self`): against the first it must come out at 1.00 within the noise.
 * `redquorum-fencing` is redquorum with fencing tokens on (`--fencing`).
 */
export type LibraryName = 'redquorum' | 'redquorum-self' | 'redquorum-fencing' | 'node-redlock' | 'raw' | 'raw-pipelined';

/** A held lock, as the bench needs it: only its release. */
export interface BenchLock {
  release(): Promise<unknown>;
  /** node-redlock v5's per-attempt statistics; more than one means the acquire retried. */
  readonly attempts?: readonly unknown[];
}

/** Attempts an acquire took (1 when it got the lock at once); 1 when the library does not say. */
export function attemptCount(lock: BenchLock): number {
  return Math.max(1, lock.attempts?.length ?? 1);
}

/**
 * The part of the node-redlock v5 API that the bench drives. Both libraries are driven
 * through it, with their own clients built the same way, so the comparison is fair.
 */
export interface LockLibrary {
  readonly name: LibraryName;
  acquire(resources: string[], ttlMs: number): Promise<BenchLock>;
  /** Resolves when every node answers PING (after a fault heals), or throws after timeoutMs. */
  ready(timeoutMs: number): Promise<void>;
  /** Quits the library and its clients. */
  close(): Promise<void>;
}
