/**
 * A monotonic clock in milliseconds (fractional). Redlock times every attempt with it,
 * never with the wall clock, which can jump.
 */
export type MonotonicClock = () => number;

/**
 * CLOCK_MONOTONIC in milliseconds. On Linux it is system-wide, so the lab's worker
 * processes on one host stamp their histories on one shared time line.
 */
export const monotonicMs: MonotonicClock = () => Number(process.hrtime.bigint()) / 1e6;
