/**
 * Settings of a Redlock instance; each may be overridden per call. The first five are
 * node-redlock v5's (a v5 `Settings` literal is a valid one here); the others are
 * optional, with the defaults given.
 */
export interface Settings {
  /**
   * The share of the TTL the servers' clocks may drift from the client's; the lock's
   * validity is shortened by `durationMs * driftFactor + 2` ms.
   * @default 0.01 (from 0 up to but not including 1)
   */
  readonly driftFactor: number;
  /**
   * Retries after the first attempt; -1 retries until `signal` aborts.
   * @default 10 (so 11 attempts; -1 or an integer from 0)
   */
  readonly retryCount: number;
  /** Wait between attempts, in ms. @default 200 (0 or more) */
  readonly retryDelay: number;
  /** Random +/- jitter added to `retryDelay`, in ms. @default 100 (0 or more) */
  readonly retryJitter: number;
  /**
   * `using()` extends the lock this many ms before its validity ends.
   * @default 500 (0 or more; at least 100 ms below the lock's duration)
   */
  readonly automaticExtensionThreshold: number;
  /**
   * Return a fencing token (`lock.fence`) with every acquisition. Costs one more
   * round trip to a quorum only when the token the acquire proposed (from this
   * process's wall clock) is not above the counters it read: a clock behind another
   * acquirer's, or an earlier token of the resource ahead of the clock.
   * @default false
   */
  readonly fencing?: boolean;
  /**
   * How long one node may take to answer one command, in ms. A node that does not
   * answer in time votes against, so a dead or black-holed node costs this, not a hang.
   * @default undefined: a tenth of the lock's duration, at least 50 ms and at most 5,000 ms
   */
  readonly nodeTimeoutMs?: number | undefined;
  /**
   * Wake a waiting `acquire` as soon as the lock is released, instead of sleeping out
   * the whole retry delay. Only then do releases PUBLISH (so only then do the Redis
   * users need pub/sub rights). While some acquire waits, one subscriber connection per
   * client is open, shared by every Redlock of the process over that client, and closed
   * once nothing waits (after 5 s of lingering, at once on a Cluster). A lost
   * notification costs at most the retry delay.
   * @default false
   */
  readonly releaseNotifications?: boolean;
}

/** Settings with every default filled in: what the library works with. */
export type ResolvedSettings = Required<Omit<Settings, 'nodeTimeoutMs'>> & { readonly nodeTimeoutMs: number | undefined };

/** Per-call settings: any of the Settings, plus a signal that cancels the call. */
export interface CallSettings extends Partial<Settings> {
  /** Cancels `acquire`, `extend` or `using`; the call rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

export const DEFAULT_SETTINGS: ResolvedSettings = Object.freeze({
  driftFactor: 0.01,
  retryCount: 10,
  retryDelay: 200,
  retryJitter: 100,
  automaticExtensionThreshold: 500,
  fencing: false,
  nodeTimeoutMs: undefined,
  releaseNotifications: false,
});

/** Attempts an operation may make: retryCount + 1, or no limit for -1. */
export function maxAttempts(settings: ResolvedSettings): number {
  return settings.retryCount === -1 ? Number.POSITIVE_INFINITY : settings.retryCount + 1;
}

/** Bounds of the derived per-node timeout. */
export const NODE_TIMEOUT_MIN_MS = 50;
export const NODE_TIMEOUT_MAX_MS = 5_000;

/** The per-node timeout for an operation on a lock of `durationMs`. */
export function nodeTimeoutFor(settings: ResolvedSettings, durationMs: number): number {
  if (settings.nodeTimeoutMs !== undefined) return settings.nodeTimeoutMs;
  return Math.min(NODE_TIMEOUT_MAX_MS, Math.max(NODE_TIMEOUT_MIN_MS, Math.floor(durationMs / 10)));
}

/**
 * Merges overrides onto a base after checking every given value; throws a TypeError or
 * RangeError naming the setting and its allowed range. Unknown keys are ignored, as in
 * node-redlock v5.
 */
export function mergeSettings(base: ResolvedSettings, overrides: CallSettings | undefined, argument = 'settings'): ResolvedSettings {
  if (overrides === undefined) return base;
  if (overrides === null || typeof overrides !== 'object') {
    throw new TypeError(`${argument} must be an object, got ${overrides === null ? 'null' : typeof overrides}`);
  }
  const merged: { -readonly [K in keyof ResolvedSettings]: ResolvedSettings[K] } = { ...base };
  const o = overrides as Record<string, unknown>;
  if (o['driftFactor'] !== undefined) merged.driftFactor = checkNumber(o['driftFactor'], `${argument}.driftFactor`, 0, 1, 'from 0 up to but not including 1', true);
  if (o['retryCount'] !== undefined) {
    const retryCount = checkNumber(o['retryCount'], `${argument}.retryCount`, -1, Number.MAX_SAFE_INTEGER, '-1 (retry until aborted) or an integer from 0', false);
    if (!Number.isInteger(retryCount)) throw new RangeError(`${argument}.retryCount must be -1 (retry until aborted) or an integer from 0, got ${retryCount}`);
    merged.retryCount = retryCount;
  }
  if (o['retryDelay'] !== undefined) merged.retryDelay = checkNumber(o['retryDelay'], `${argument}.retryDelay`, 0, TIMER_MAX_MS, `from 0 to ${TIMER_MAX_MS} ms`, false);
  if (o['retryJitter'] !== undefined) merged.retryJitter = checkNumber(o['retryJitter'], `${argument}.retryJitter`, 0, TIMER_MAX_MS, `from 0 to ${TIMER_MAX_MS} ms`, false);
  if (o['automaticExtensionThreshold'] !== undefined) {
    merged.automaticExtensionThreshold = checkNumber(o['automaticExtensionThreshold'], `${argument}.automaticExtensionThreshold`, 0, Number.MAX_SAFE_INTEGER, '0 ms or more', false);
  }
  if (o['fencing'] !== undefined) {
    if (typeof o['fencing'] !== 'boolean') throw new TypeError(`${argument}.fencing must be a boolean, got ${typeof o['fencing']}`);
    merged.fencing = o['fencing'];
  }
  if (o['releaseNotifications'] !== undefined) {
    if (typeof o['releaseNotifications'] !== 'boolean') {
      throw new TypeError(`${argument}.releaseNotifications must be a boolean, got ${typeof o['releaseNotifications']}`);
    }
    merged.releaseNotifications = o['releaseNotifications'];
  }
  if (o['nodeTimeoutMs'] !== undefined) {
    const timeout = checkNumber(o['nodeTimeoutMs'], `${argument}.nodeTimeoutMs`, 1, TIMER_MAX_MS, `an integer from 1 to ${TIMER_MAX_MS} ms`, false);
    if (!Number.isInteger(timeout)) throw new RangeError(`${argument}.nodeTimeoutMs must be an integer from 1 to ${TIMER_MAX_MS} ms, got ${timeout}`);
    merged.nodeTimeoutMs = timeout;
  }
  if (o['signal'] !== undefined && !(o['signal'] instanceof AbortSignal)) {
    throw new TypeError(`${argument}.signal must be an AbortSignal`);
  }
  return merged;
}

/** The longest delay a Node.js timer takes (2^31 - 1 ms); longer ones fire at once. */
export const TIMER_MAX_MS = 2_147_483_647;

function checkNumber(value: unknown, name: string, min: number, max: number, range: string, maxExclusive: boolean): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number (${range}), got ${typeof value}`);
  if (Number.isNaN(value) || value < min || (maxExclusive ? value >= max : value > max)) {
    throw new RangeError(`${name} must be ${range}, got ${value}`);
  }
  return value;
}
