/**
 * The wait before the next attempt: `retryDelayMs` plus a uniform jitter in
 * [-retryJitterMs, +retryJitterMs], never negative. Jitter keeps contending clients
 * from retrying in lock step. `random` returns a number in [0, 1).
 */
export function retryDelayMs(retryDelay: number, retryJitter: number, random: () => number): number {
  return Math.max(0, retryDelay + Math.floor((random() * 2 - 1) * retryJitter));
}
