import { spreadOf, type Figure, type Spread } from './figures.js';
import type { LibraryName } from './libraries/lock-library.js';
import type { FaultSpec, WorkloadName } from './options.js';
import type { LibraryReport } from './report.js';
import { CLIENT_CPU } from './resource-usage.js';

/** Heap growth over a run, after a full GC on both ends, that still counts as flat: 1 MiB. */
export const HEAP_FLAT_BYTES = 1024 * 1024;
/** Cycles a heap-flatness verdict needs: a leak of a few bytes per cycle shows by then. */
export const HEAP_FLAT_CYCLES = 1_000_000;

/** One library's figures, merged and per round, as a target reads them: the report's own fields. */
export type TargetLibrary = Pick<LibraryReport, 'library' | 'figures' | 'rounds' | 'operations'>;

/** What a run was, as far as the targets care. */
export interface TargetInput {
  readonly workload: WorkloadName;
  readonly fault: FaultSpec | null;
  readonly notify: boolean | null;
  readonly libraries: readonly TargetLibrary[];
  readonly heap: { readonly beforeBytes: number; readonly afterBytes: number; readonly gcExposed: boolean };
}

/** A performance target checked on one run's figures. */
export interface TargetRow {
  readonly target: string;
  /** The measured value: a same-run ratio ('x'), or bytes of heap growth ('B'). */
  readonly value: number | null;
  readonly unit: 'x' | 'B';
  readonly bound: number;
  readonly direction: 'at most' | 'at least';
  /** The range over the rounds (per-round ratios, or per-round values): its noise. */
  readonly spread: Spread | null;
  /** n/a: this run cannot tell (a library or setting it needs is missing). */
  readonly status: 'met' | 'missed' | 'n/a';
  /** True when the bound lies inside the per-round spread: the verdict is within noise. */
  readonly withinNoise: boolean;
  /** Why a row is n/a. */
  readonly note?: string;
}

/**
 * The performance targets that apply to this run, each as a same-run ratio (or the
 * library's own before/after figure) with its per-round spread and met / missed.
 * Rows whose run lacks what they need say n/a and what to add. Pure.
 */
export function evaluateTargets(input: TargetInput): TargetRow[] {
  const rows: TargetRow[] = [];
  const ours = find(input, 'redquorum');
  if (!ours) return rows;
  const redlock = find(input, 'node-redlock');
  const ratioRow = (target: string, theirs: TargetLibrary | undefined, need: string, figure: string, direction: TargetRow['direction'], bound: number): TargetRow => {
    if (!theirs) return naRow(target, direction, bound, `needs ${need}`);
    const a = value(ours.figures, figure);
    const b = value(theirs.figures, figure);
    const perRound = ours.rounds.map((round, index) => ratio(value(round, figure), value(theirs.rounds[index] ?? [], figure)));
    return judged(target, ratio(a, b), 'x', direction, bound, spreadOf(perRound.filter((r): r is number => r !== null)));
  };
  const ownRow = (target: string, figure: string, direction: TargetRow['direction'], bound: number): TargetRow => {
    const measured = value(ours.figures, figure);
    const perRound = ours.rounds.map((round) => value(round, figure)).filter((v): v is number => v !== null);
    return judged(target, measured, 'x', direction, bound, spreadOf(perRound));
  };

  if (input.workload === 'latency' && input.fault === null) {
    rows.push(
      ratioRow('sequential cycle p50 / node-redlock', redlock, '--vs redlock', 'cycle p50', 'at most', 1.0),
      ratioRow('sequential cycle p99 / node-redlock', redlock, '--vs redlock', 'cycle p99', 'at most', 1.0),
      ratioRow('client CPU per cycle / node-redlock', redlock, '--vs redlock', CLIENT_CPU, 'at most', 1.0),
    );
    const fencing = find(input, 'redquorum-fencing');
    if (fencing) {
      // Fencing on over fencing off: the ratio the other way round from the table's.
      const a = value(fencing.figures, 'cycle p50');
      const b = value(ours.figures, 'cycle p50');
      const perRound = fencing.rounds.map((round, index) => ratio(value(round, 'cycle p50'), value(ours.rounds[index] ?? [], 'cycle p50')));
      rows.push(judged('fencing on: cycle p50 / fencing off', ratio(a, b), 'x', 'at most', 1.3, spreadOf(perRound.filter((r): r is number => r !== null))));
    } else {
      rows.push(naRow('fencing on: cycle p50 / fencing off', 'at most', 1.3, 'needs --fencing'));
    }
  }
  if (input.workload === 'throughput' && input.fault === null) {
    rows.push(ratioRow('64 lockers: acquire+release/s / raw-pipelined', find(input, 'raw-pipelined'), '--vs raw-pipelined', 'acquire+release/s', 'at least', 0.9));
  }
  if (input.workload === 'contention' && input.fault === null) {
    const targets: [string, string, TargetRow['direction'], number][] = [
      ['hot key: acquisitions/s / node-redlock', 'acquisitions/s', 'at least', 3],
      ['hot key: wait p99 / node-redlock', 'wait p99', 'at most', 0.1],
    ];
    for (const [target, figure, direction, bound] of targets) {
      rows.push(input.notify === true ? ratioRow(target, redlock, '--vs redlock', figure, direction, bound) : naRow(target, direction, bound, 'set with --notify on'));
    }
    rows.push(input.notify === true ? ownRow('hot key: fairness max/min', 'fairness max/min', 'at most', 1.5) : naRow('hot key: fairness max/min', 'at most', 1.5, 'set with --notify on'));
  }
  if (input.fault?.kind === 'latency' && input.workload === 'latency') {
    rows.push(ownRow(`+${input.fault.latencyMs} ms on ${input.fault.nodeCount} nodes: acquire p99 / its no-fault p99`, 'acquire p99 fault / no fault', 'at most', 1.5));
  }
  if ((input.workload === 'throughput' || input.workload === 'latency') && input.fault === null) {
    rows.push(heapRow(input, ours.operations));
  }
  const self = find(input, 'redquorum-self');
  if (self) rows.push(...selfRows(ours, self));
  return rows;
}

/** Within this relative band a self ratio holds 1.00 even when its spread leaves 1.00 out. */
const SELF_EVEN_BAND = 0.02;

/** The figures the self check reads: the headline latency and the cost per cycle. */
const SELF_FIGURES = ['cycle p50', 'wait p50', 'cycle p99', 'wait p99', CLIENT_CPU, 'server CPU/cycle', 'allocated/cycle'];

/**
 * `--self`: the same code against itself must read 1.00 within its own per-round spread;
 * a row that misses says the bench, not the library, moved the ratio.
 */
function selfRows(ours: TargetLibrary, self: TargetLibrary): TargetRow[] {
  return SELF_FIGURES.flatMap((figure) => {
    const a = value(ours.figures, figure);
    const b = value(self.figures, figure);
    if (a === null || b === null) return [];
    const perRound = ours.rounds.map((round, index) => ratio(value(round, figure), value(self.rounds[index] ?? [], figure)));
    const spread = spreadOf(perRound.filter((r): r is number => r !== null));
    const measured = ratio(a, b);
    // A figure with almost no noise (allocation) may have a spread that just misses 1.00:
    // within 2% (the band the tables call even) it holds too.
    const holds = spread !== null && ((spread.min <= 1 && 1 <= spread.max) || (measured !== null && Math.abs(measured - 1) <= SELF_EVEN_BAND));
    return [
      {
        target: `self check: ${figure} / redquorum-self is 1.00 within its spread`,
        value: measured,
        unit: 'x',
        bound: 1,
        direction: 'at most',
        spread,
        status: spread === null ? 'n/a' : holds ? 'met' : 'missed',
        withinNoise: false,
        ...(spread === null ? { note: 'needs 2 rounds or more' } : {}),
      } satisfies TargetRow,
    ];
  });
}

function heapRow(input: TargetInput, operations: number): TargetRow {
  const target = `heap growth over ${HEAP_FLAT_CYCLES.toLocaleString('en-US')} cycles`;
  if (!input.heap.gcExposed) return naRow(target, 'at most', HEAP_FLAT_BYTES, 'needs node --expose-gc', 'B');
  const growth = input.heap.afterBytes - input.heap.beforeBytes;
  if (operations < HEAP_FLAT_CYCLES) {
    return { ...naRow(target, 'at most', HEAP_FLAT_BYTES, `ran ${operations.toLocaleString('en-US')} cycles; needs --iterations ${HEAP_FLAT_CYCLES}`, 'B'), value: growth };
  }
  return judged(target, growth, 'B', 'at most', HEAP_FLAT_BYTES, null);
}

function judged(target: string, measured: number | null, unit: TargetRow['unit'], direction: TargetRow['direction'], bound: number, spread: Spread | null): TargetRow {
  if (measured === null) return naRow(target, direction, bound, 'no figure to compare', unit);
  const met = direction === 'at most' ? measured <= bound : measured >= bound;
  const withinNoise = spread !== null && spread.min <= bound && bound <= spread.max;
  return { target, value: measured, unit, bound, direction, spread, status: met ? 'met' : 'missed', withinNoise };
}

function naRow(target: string, direction: TargetRow['direction'], bound: number, note: string, unit: TargetRow['unit'] = 'x'): TargetRow {
  return { target, value: null, unit, bound, direction, spread: null, status: 'n/a', withinNoise: false, note };
}

function find(input: TargetInput, name: LibraryName): TargetLibrary | undefined {
  return input.libraries.find((library) => library.library === name);
}

function value(figures: readonly Figure[], name: string): number | null {
  const figure = figures.find((f) => f.name === name);
  return figure !== undefined && Number.isFinite(figure.value) ? figure.value : null;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}
