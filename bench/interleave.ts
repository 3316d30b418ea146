/**
 * The order the libraries run in, round by round, so that a slow drift of the machine
 * (another process, a warming cache) touches all the same: two alternate (A B, B A, ...);
 * three or more rotate (A B C, B C A, C A B, ...), so that each takes every place in
 * turn. Reversing three (A B C, C B A) would keep B in the middle every round, and the
 * middle place measured up to 15% less client CPU than the ends for the same code. Pure.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  if (items.length <= 2) return round % 2 === 0 ? [...items] : [...items].reverse();
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** Splits a budget into `rounds` shares that differ by at most one and sum to it. Pure. */
export function roundShare(total: number, rounds: number, round: number): number {
  const base = Math.floor(total / rounds);
  return base + (round < total - base * rounds ? 1 : 0);
}
