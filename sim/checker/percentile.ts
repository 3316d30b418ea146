/**
 * Nearest-rank percentile of unsorted samples; null when there are none. `p` is in
 * [0, 100]. Nearest-rank returns a real sample, never an interpolated value.
 */
export function percentile(samples: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`p must be in [0, 100], got ${String(p)}`);
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}
