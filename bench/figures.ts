/** Which way a figure improves. */
export type Better = 'lower' | 'higher';

/** One number a bench reports for one library, e.g. `cycle p50` = 383 µs. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: 'µs' | '/s' | 'x' | 'count';
  readonly better: Better;
}

/** The ratio of one figure between the two libraries. */
export interface FigureRatio {
  readonly name: string;
  readonly unit: Figure['unit'];
  readonly ours: number;
  readonly theirs: number;
  /** ours / theirs; null when theirs is 0 or either side is not finite. */
  readonly ratio: number | null;
  readonly better: Better;
  /** Who the figure favours; 'even' within 2%. */
  readonly verdict: 'ours' | 'theirs' | 'even' | 'n/a';
}

/** Within this relative band a ratio is called even: run-to-run noise is larger. */
const EVEN_BAND = 0.02;

/** Pairs figures by name and computes ours/theirs with its direction. Pure. */
export function compareFigures(ours: readonly Figure[], theirs: readonly Figure[]): FigureRatio[] {
  const byName = new Map(theirs.map((figure) => [figure.name, figure]));
  const rows: FigureRatio[] = [];
  for (const figure of ours) {
    const other = byName.get(figure.name);
    if (!other) continue;
    const usable = Number.isFinite(figure.value) && Number.isFinite(other.value) && other.value !== 0;
    const ratio = usable ? figure.value / other.value : null;
    let verdict: FigureRatio['verdict'] = 'n/a';
    if (ratio !== null) {
      if (Math.abs(ratio - 1) <= EVEN_BAND) verdict = 'even';
      else verdict = (ratio < 1) === (figure.better === 'lower') ? 'ours' : 'theirs';
    } else if (figure.value === 0 && other.value === 0) {
      verdict = 'even';
    } else if (other.value === 0 && Number.isFinite(figure.value)) {
      // Theirs is zero and ours is not: no ratio, but the direction still says who wins.
      verdict = figure.better === 'lower' ? 'theirs' : 'ours';
    }
    rows.push({ name: figure.name, unit: figure.unit, ours: figure.value, theirs: other.value, ratio, better: figure.better, verdict });
  }
  return rows;
}
