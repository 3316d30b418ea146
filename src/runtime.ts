import { randomFillSync } from 'node:crypto';
import { monotonicMs } from './clock.js';

/** A timer made by `Runtime.setTimer`; only `Runtime.clearTimer` looks inside it. */
export type TimerHandle = unknown;

/**
 * Every source of time and chance the library uses. Nothing in `src/` calls
 * `setTimeout`, `Date.now`, `process.nextTick`, `Math.random` or `crypto` directly: it
 * asks its Redlock's Runtime. The default is Node's; the deterministic simulator
 * (`sim/explore/`) passes one driven by virtual time and one seed, so the real library
 * runs unchanged in simulation.
 */
export interface Runtime {
  /** Monotonic ms (fractional); every attempt is timed with it. */
  readonly monotonicMs: () => number;
  /** Wall-clock ms since the epoch (`Date.now()` scale); used only for `Lock.expiration`. */
  readonly wallMs: () => number;
  /**
   * Calls `callback` once after `delayMs` (0 to TIMER_MAX_MS). An `unref` timer does not
   * keep the process alive on its own.
   */
  readonly setTimer: (callback: () => void, delayMs: number, unref?: boolean) => TimerHandle;
  /** Cancels a timer; a fired or cleared one is ignored. */
  readonly clearTimer: (handle: TimerHandle) => void;
  /** Runs `callback` once the current synchronous work is done, before any I/O (`process.nextTick`). */
  readonly defer: (callback: () => void) => void;
  /** Uniform in [0, 1), for retry jitter. */
  readonly random: () => number;
  /** Fills `bytes` with cryptographically strong random bytes (lock values). */
  readonly fillRandom: (bytes: Uint8Array) => void;
}

/** Node's own time, timers and randomness. */
export const NODE_RUNTIME: Runtime = Object.freeze({
  monotonicMs,
  wallMs: () => Date.now(),
  setTimer: (callback: () => void, delayMs: number, unref = false): TimerHandle => {
    const timer = setTimeout(callback, delayMs);
    if (unref) timer.unref();
    return timer;
  },
  clearTimer: (handle: TimerHandle): void => clearTimeout(handle as NodeJS.Timeout),
  defer: (callback: () => void): void => process.nextTick(callback),
  random: Math.random,
  fillRandom: (bytes: Uint8Array): void => {
    randomFillSync(bytes);
  },
});
