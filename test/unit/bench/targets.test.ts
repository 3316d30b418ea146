import { describe, expect, it } from 'vitest';
import type { Figure } from '../../../bench/figures.js';
import { formatTargetTable } from '../../../bench/target-table.js';
import { evaluateTargets, HEAP_FLAT_BYTES, type TargetInput, type TargetLibrary } from '../../../bench/targets.js';

const us = (name: string, value: number): Figure => ({ name, value, unit: 'µs', better: 'lower' });
const rate = (name: string, value: number): Figure => ({ name, value, unit: '/s', better: 'higher' });
const x = (name: string, value: number): Figure => ({ name, value, unit: 'x', better: 'lower' });

function latencyLibrary(library: TargetLibrary['library'], p50Us: number, p99Us: number, cpuUs: number, roundP50Us: readonly number[]): TargetLibrary {
  const figures = (p50: number): Figure[] => [us('cycle p50', p50), us('cycle p99', p99Us), us('client CPU/cycle', cpuUs)];
  return { library, figures: figures(p50Us), rounds: roundP50Us.map(figures), operations: 5000 };
}

const noHeap = { beforeBytes: 0, afterBytes: 0, gcExposed: false };

function latencyRun(libraries: TargetLibrary[]): TargetInput {
  return { workload: 'latency', fault: null, notify: null, libraries, heap: noHeap };
}

describe('evaluateTargets', () => {
  it('latency: p50, p99 and CPU as same-run ratios to node-redlock, with the per-round spread', () => {
    const rows = evaluateTargets(
      latencyRun([latencyLibrary('redquorum', 190, 500, 150, [180, 200]), latencyLibrary('node-redlock', 200, 400, 160, [200, 200])]),
    );
    expect(rows.map((row) => row.target)).toEqual([
      'sequential cycle p50 / node-redlock',
      'sequential cycle p99 / node-redlock',
      'client CPU per cycle / node-redlock',
      'fencing on: cycle p50 / fencing off',
      'heap growth over 1,000,000 cycles',
    ]);
    expect(rows[0]).toMatchObject({ value: 0.95, status: 'met', spread: { min: 0.9, max: 1 }, withinNoise: true });
    expect(rows[1]).toMatchObject({ value: 1.25, status: 'missed', withinNoise: false });
    expect(rows[2]).toMatchObject({ status: 'met' });
    expect(rows[3]).toMatchObject({ status: 'n/a', note: 'needs --fencing' });
    expect(rows[4]).toMatchObject({ status: 'n/a', note: 'needs node --expose-gc' });
  });

  it('says n/a and what to add when the library to compare with did not run', () => {
    const rows = evaluateTargets(latencyRun([latencyLibrary('redquorum', 190, 500, 150, [])]));
    expect(rows[0]).toMatchObject({ status: 'n/a', note: 'needs --vs redlock', value: null });
  });

  it('fencing: fencing on over fencing off, the other way round from the table', () => {
    const rows = evaluateTargets(latencyRun([latencyLibrary('redquorum', 200, 1, 1, [200, 200]), latencyLibrary('redquorum-fencing', 280, 1, 1, [260, 300])]));
    expect(rows.find((row) => row.target.startsWith('fencing'))).toMatchObject({ value: 1.4, status: 'missed', spread: { min: 1.3, max: 1.5 }, withinNoise: true });
  });

  it('contention: rate and wait p99 against node-redlock, fairness on its own, only with --notify on', () => {
    const library = (name: TargetLibrary['library'], perSecond: number, waitUs: number, fair: number): TargetLibrary => {
      const figures = [rate('acquisitions/s', perSecond), us('wait p99', waitUs), x('fairness max/min', fair)];
      return { library: name, figures, rounds: [figures, figures], operations: 100 };
    };
    const input: TargetInput = { workload: 'contention', fault: null, notify: true, libraries: [library('redquorum', 480, 30_000, 1.02), library('node-redlock', 150, 550_000, 1.9)], heap: noHeap };
    const rows = evaluateTargets(input);
    expect(rows.map((row) => [row.target, row.status])).toEqual([
      ['hot key: acquisitions/s / node-redlock', 'met'],
      ['hot key: wait p99 / node-redlock', 'met'],
      ['hot key: fairness max/min', 'met'],
    ]);
    expect(rows[0]?.value).toBeCloseTo(3.2);
    expect(evaluateTargets({ ...input, libraries: [library('redquorum', 400, 30_000, 1.6), library('node-redlock', 150, 550_000, 1.9)] }).map((row) => row.status)).toEqual([
      'missed',
      'met',
      'missed',
    ]);
    expect(evaluateTargets({ ...input, notify: null }).every((row) => row.status === 'n/a' && row.note === 'set with --notify on')).toBe(true);
  });

  it('faults: the acquire p99 under the fault over its own no-fault p99', () => {
    const figures = [x('acquire p99 fault / no fault', 1.8)];
    const rows = evaluateTargets({
      workload: 'latency',
      fault: { kind: 'latency', latencyMs: 100, nodeCount: 2 },
      notify: null,
      libraries: [{ library: 'redquorum', figures, rounds: [[x('acquire p99 fault / no fault', 1.4)], [x('acquire p99 fault / no fault', 2.2)]], operations: 1000 }],
      heap: noHeap,
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ target: '+100 ms on 2 nodes: acquire p99 / its no-fault p99', value: 1.8, status: 'missed', spread: { min: 1.4, max: 2.2 }, withinNoise: true });
  });

  it('heap: flat within 1 MiB after full GCs over a million cycles, n/a over fewer', () => {
    const ours = (operations: number): TargetLibrary => ({ library: 'redquorum', figures: [], rounds: [], operations });
    const run = (operations: number, growth: number): TargetInput => ({
      workload: 'throughput',
      fault: null,
      notify: null,
      libraries: [ours(operations)],
      heap: { beforeBytes: 8_000_000, afterBytes: 8_000_000 + growth, gcExposed: true },
    });
    const heapRow = (input: TargetInput) => evaluateTargets(input).find((row) => row.target.startsWith('heap'));
    expect(heapRow(run(1_000_000, 260_000))).toMatchObject({ status: 'met', value: 260_000, unit: 'B' });
    expect(heapRow(run(1_000_000, HEAP_FLAT_BYTES + 1))).toMatchObject({ status: 'missed' });
    expect(heapRow(run(40_000, 260_000))).toMatchObject({ status: 'n/a', value: 260_000, note: 'ran 40,000 cycles; needs --iterations 1000000' });
  });

  it('--self: each figure of redquorum over redquorum-self must hold 1.00 within its per-round spread', () => {
    const rows = evaluateTargets(
      latencyRun([latencyLibrary('redquorum', 200, 500, 150, [190, 210, 200]), latencyLibrary('redquorum-self', 200, 500, 150, [200, 200, 200])]),
    ).filter((row) => row.target.startsWith('self check'));
    expect(rows.map((row) => row.target)).toEqual([
      'self check: cycle p50 / redquorum-self is 1.00 within its spread',
      'self check: cycle p99 / redquorum-self is 1.00 within its spread',
      'self check: client CPU/cycle / redquorum-self is 1.00 within its spread',
    ]);
    expect(rows[0]).toMatchObject({ value: 1, spread: { min: 0.95, max: 1.05 }, status: 'met' });
    // Every round of ours 10% slower: its spread, 1.10-1.10, leaves out 1.00.
    const skewed = evaluateTargets(
      latencyRun([latencyLibrary('redquorum', 220, 500, 150, [220, 220]), latencyLibrary('redquorum-self', 200, 500, 150, [200, 200])]),
    ).find((row) => row.target.startsWith('self check: cycle p50'));
    expect(skewed).toMatchObject({ status: 'missed', spread: { min: 1.1, max: 1.1 } });
    // 1% off in every round: a spread of 1.01-1.01 leaves 1.00 out, but within 2% it holds.
    const tight = evaluateTargets(
      latencyRun([latencyLibrary('redquorum', 202, 500, 150, [202, 202]), latencyLibrary('redquorum-self', 200, 500, 150, [200, 200])]),
    ).find((row) => row.target.startsWith('self check: cycle p50'));
    expect(tight).toMatchObject({ status: 'met', spread: { min: 1.01, max: 1.01 } });
    expect(formatTargetTable(rows)).toMatch(/^self check: cycle p50 \/ redquorum-self is 1\.00 within its spread\s+1\.00 in spread\s+1\.00x\s+0\.95-1\.05\s+met$/m);
  });

  it('is empty without redquorum, and the table says so', () => {
    expect(evaluateTargets(latencyRun([latencyLibrary('node-redlock', 1, 1, 1, [])]))).toEqual([]);
    expect(formatTargetTable([])).toBe('Targets: none apply to this run');
  });
});

describe('formatTargetTable', () => {
  it('prints bound, measured, per-round spread and verdict, marking verdicts within noise', () => {
    const rows = evaluateTargets(latencyRun([latencyLibrary('redquorum', 190, 500, 150, [180, 200]), latencyLibrary('node-redlock', 200, 400, 160, [200, 200])]));
    const text = formatTargetTable(rows);
    expect(text.split('\n')[0]).toMatch(/^target\s+bound\s+measured\s+per round\s+verdict$/);
    expect(text).toMatch(/^sequential cycle p50 \/ node-redlock\s+≤ 1\.00x\s+0\.95x\s+0\.90-1\.00\s+met \(within noise\)$/m);
    expect(text).toMatch(/^sequential cycle p99 \/ node-redlock\s+≤ 1\.00x\s+1\.25x\s+1\.25-1\.25\s+missed$/m);
    expect(text).toMatch(/^fencing on: cycle p50 \/ fencing off\s+≤ 1\.30x\s+n\/a\s+-\s+n\/a \(needs --fencing\)$/m);
    expect(text).toMatch(/^heap growth over 1,000,000 cycles\s+≤ 1\.00 MiB\s+n\/a/m);
  });
});
