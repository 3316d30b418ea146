/**
 * The order the libraries run in, round by round: A B, B A, A B, ... so that a slow drift
 * of the machine (another process, a warming cache) touches both the same. Pure.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}

/** Splits a budget into `rounds` shares that differ by at most one and sum to it. Pure. */
export function roundShare(total: number, rounds: number, round: number): number {
  const base = Math.floor(total / rounds);
  return base + (round < total - base * rounds ? 1 : 0);
}
