/** Which way a figure improves. */
export type Better = 'lower' | 'higher';

/** One number a bench reports for one library, e.g. `cycle p50` = 383 µs. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: 'µs' | '/s' | 'x' | 'count' | 'B';
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
  /**
   * The lowest and highest of the per-round ratios (round i of ours over round i of
   * theirs, run next to each other): how far one ratio moves with the machine's noise.
   * Null with fewer than two rounds with a usable ratio.
   */
  readonly spread: Spread | null;
}

/** The range of a figure (or ratio) over the rounds. */
export interface Spread {
  readonly min: number;
  readonly max: number;
}

/** Within this relative band a ratio is called even: run-to-run noise is larger. */
const EVEN_BAND = 0.02;

/**
 * Pairs figures by name and computes ours/theirs with its direction, and, given each
 * side's figures per round (same round count, round i of both run back to back), the
 * spread of the per-round ratios. Pure.
 */
export function compareFigures(
  ours: readonly Figure[],
  theirs: readonly Figure[],
  rounds: { readonly ours: readonly (readonly Figure[])[]; readonly theirs: readonly (readonly Figure[])[] } = { ours: [], theirs: [] },
): FigureRatio[] {
  if (rounds.ours.length !== rounds.theirs.length) {
    throw new RangeError(`rounds must pair up: got ${rounds.ours.length} rounds of ours and ${rounds.theirs.length} of theirs`);
  }
  const byName = new Map(theirs.map((figure) => [figure.name, figure]));
  const roundRatios = (name: string): number[] =>
    rounds.ours.flatMap((oursRound, index) => {
      const a = oursRound.find((figure) => figure.name === name)?.value;
      const b = rounds.theirs[index]?.find((figure) => figure.name === name)?.value;
      return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? [a / b] : [];
    });
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
    rows.push({ name: figure.name, unit: figure.unit, ours: figure.value, theirs: other.value, ratio, better: figure.better, verdict, spread: spreadOf(roundRatios(figure.name)) });
  }
  return rows;
}

/** Lowest and highest of the finite values; null with fewer than two. Pure. */
export function spreadOf(values: readonly number[]): Spread | null {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length < 2) return null;
  return { min: Math.min(...finite), max: Math.max(...finite) };
}
