/**
 * The Redlock spec's clock-drift allowance: the lock's holder assumes the servers'
 * clocks may run up to `driftFactor` faster than its own, plus 2 ms for Redis's own
 * expiry granularity. Rounded as node-redlock v5 rounds it.
 */
export function driftMs(durationMs: number, driftFactor: number): number {
  return Math.round(durationMs * driftFactor) + 2;
}

/**
 * How long a lock taken with TTL `durationMs` may still be used, once acquiring it
 * took `elapsedMs` on a monotonic clock: TTL - elapsed - drift. Zero or less means
 * the lock must not be used (and is released).
 */
export function validityMs(durationMs: number, elapsedMs: number, driftFactor: number): number {
  return durationMs - elapsedMs - driftMs(durationMs, driftFactor);
}
