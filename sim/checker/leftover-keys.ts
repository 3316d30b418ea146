import { FENCE_KEY_PREFIX } from '../../src/fencing.js';
import type { KnownCheckResult } from './check-result.js';

/** One key found on one node after the run, with its PTTL (-1: no expiry, -2: gone). */
export interface KeySnapshotEntry {
  readonly node: number;
  readonly key: string;
  readonly pttlMs: number;
}

export interface LeftoverKeysDetails {
  readonly maxTtlMs: number;
  /** Lock keys examined (non-lock keys and gone keys excluded). */
  readonly lockKeyCount: number;
  /** Keys with no expiry or a PTTL above the max TTL: a lock key must never outlive its TTL. */
  readonly leftovers: readonly KeySnapshotEntry[];
  /** Keys still within their TTL: they will expire by themselves, so they are fine. */
  readonly expiring: readonly KeySnapshotEntry[];
}

/** Options of {@link checkLeftoverKeys}. */
export interface LeftoverKeysOptions {
  /** The largest TTL any lock was taken or extended with, in ms. */
  readonly maxTtlMs: number;
  /**
   * Which keys are lock keys. @default every key except fencing counters ("redquorum:fence:..."),
   * which are meant to persist
   */
  readonly isLockKey?: (key: string) => boolean;
}

const isNotFenceCounter = (key: string): boolean => !key.startsWith(FENCE_KEY_PREFIX);

/**
 * Judges a snapshot of the nodes' keys taken after the run. Pure: the runner takes the
 * snapshot (SCAN + PTTL) and passes it in.
 */
export function checkLeftoverKeys(
  snapshot: readonly KeySnapshotEntry[],
  options: LeftoverKeysOptions,
): KnownCheckResult<LeftoverKeysDetails> {
  const { maxTtlMs } = options;
  if (!Number.isFinite(maxTtlMs) || maxTtlMs <= 0) {
    throw new RangeError(`maxTtlMs must be a finite number > 0, got ${String(maxTtlMs)}`);
  }
  const isLockKey = options.isLockKey ?? isNotFenceCounter;
  const lockKeys = snapshot.filter((entry) => entry.pttlMs !== -2 && isLockKey(entry.key));
  const leftovers = lockKeys.filter((entry) => entry.pttlMs === -1 || entry.pttlMs > maxTtlMs);
  const expiring = lockKeys.filter((entry) => entry.pttlMs >= 0 && entry.pttlMs <= maxTtlMs);
  const invalid = lockKeys.find((entry) => entry.pttlMs < -1 || !Number.isFinite(entry.pttlMs));
  if (invalid !== undefined) {
    throw new RangeError(`pttlMs of key ${invalid.key} on node ${invalid.node} must be -1, -2 or >= 0, got ${invalid.pttlMs}`);
  }
  const summary =
    leftovers.length === 0
      ? `no leftover lock keys (${expiring.length} still expiring within ${maxTtlMs} ms)`
      : `${leftovers.length} lock keys outlive their TTL: ` +
        leftovers
          .slice(0, 5)
          .map((e) => `${e.key}@node${e.node} (pttl ${e.pttlMs})`)
          .join(', ') +
        (leftovers.length > 5 ? ', ...' : '');
  return {
    name: 'leftover-keys',
    valid: leftovers.length === 0,
    summary,
    details: { maxTtlMs, lockKeyCount: lockKeys.length, leftovers, expiring },
  };
}
