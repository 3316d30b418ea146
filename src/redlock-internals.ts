import type { MonotonicClock } from './clock.js';
import { NODE_RUNTIME, type Runtime } from './runtime.js';

/** Sources of time and randomness; tests, the fault lab and the simulator replace them. */
export interface RedlockInternals {
  /** Monotonic ms; overrides `runtime.monotonicMs`. @default monotonicMs (CLOCK_MONOTONIC) */
  readonly clock?: MonotonicClock;
  /** [0, 1) for retry jitter; overrides `runtime.random`. @default Math.random */
  readonly random?: () => number;
  /** Any part of the Runtime (timers, defer, wall clock, lock-value randomness). @default NODE_RUNTIME */
  readonly runtime?: Partial<Runtime>;
}

/** The Runtime a Redlock uses: NODE_RUNTIME, overridden by `runtime`, then by `clock` and `random`. */
export function resolveRuntime(internals: RedlockInternals): Runtime {
  if (internals === null || typeof internals !== 'object' || 'acquireScript' in internals || 'extendScript' in internals || 'releaseScript' in internals) {
    throw new TypeError('the third argument takes { clock, random, runtime }; custom Lua scripts are not supported, since the lock protocol depends on its own');
  }
  const { clock, random, runtime } = internals;
  if (clock === undefined && random === undefined && runtime === undefined) return NODE_RUNTIME;
  if (runtime !== undefined && (runtime === null || typeof runtime !== 'object')) throw new TypeError('internals.runtime must be an object with Runtime functions');
  const merged: Runtime = {
    ...NODE_RUNTIME,
    ...runtime,
    ...(clock === undefined ? {} : { monotonicMs: clock }),
    ...(random === undefined ? {} : { random }),
  };
  for (const [name, value] of Object.entries(merged)) {
    if (typeof value !== 'function') throw new TypeError(`internals.runtime.${name} must be a function, got ${typeof value}`);
  }
  return Object.freeze(merged);
}
