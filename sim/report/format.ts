/** Number formats shared by the text table and the HTML report, so both print the same. */

/** A count, or its checker's "unknown", or "n/a" when it does not apply. */
export function formatCount(value: number | 'unknown' | null): string {
  if (value === null) return 'n/a';
  if (value === 'unknown') return 'unknown';
  return String(value);
}

/** A share in [0, 1] as a percentage with one decimal ("-" when there is none). */
export function formatPercent(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return '-';
  return (share * 100).toFixed(1);
}

/** Milliseconds: one decimal below 10 ms, whole numbers above ("-" when there is none). */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  return ms < 10 ? ms.toFixed(1) : Math.round(ms).toString();
}

/** Seconds with one decimal, for time axes relative to the start of a history. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
