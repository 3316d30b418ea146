/**
 * The order the libraries run in, round by round, so that neither a slow drift of the
 * machine nor what one run leaves behind for the next (GC debt, background compiles,
 * caches) lands on one library only: a Williams design. Over its period (n rounds for an
 * even count n, 2n for an odd one) every library takes every place equally often and
 * follows every other library equally often. Two libraries alternate (A B, B A); three
 * run A B C, B C A, C A B, C B A, A C B, B A C. A plain rotation balanced the places but
 * kept each library behind the same other one every round, and the `--self` pair, identical
 * code, read 1.05. Pure; any integer round (negative ones count back from round 0).
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const count = items.length;
  if (count <= 1) return [...items];
  const period = count % 2 === 0 ? count : 2 * count;
  const row = ((round % period) + period) % period;
  const shift = row % count;
  // The design's first row: 0, 1, n-1, 2, n-2, ...; row k adds k to every entry, mod n.
  const order = Array.from({ length: count }, (_, place) => {
    const base = place === 0 ? 0 : place % 2 === 1 ? (place + 1) / 2 : count - place / 2;
    return items[(base + shift) % count] as T;
  });
  return row < count ? order : order.reverse();
}

/** Splits a budget into `rounds` shares that differ by at most one and sum to it. Pure. */
export function roundShare(total: number, rounds: number, round: number): number {
  const base = Math.floor(total / rounds);
  return base + (round < total - base * rounds ? 1 : 0);
}
