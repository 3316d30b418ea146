import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBenchOptions, type RawBenchOptions } from '../../bench/options.js';
import { reportToJson, type BenchReport } from '../../bench/report.js';
import { formatReport } from '../../bench/report-text.js';
import { runBench } from '../../bench/run-bench.js';
import { RedisServers } from '../../sim/testbed/redis-servers.js';
import { REPO_ROOT } from '../../sim/testbed/tools.js';

const run = promisify(execFile);
// Tiny, bounded runs: structure is checked here, never speed.
const SOLO: RawBenchOptions = { iterations: '30', duration: '0.4', warmup: '0', rounds: '2', progress: false };
const TINY: RawBenchOptions = { ...SOLO, vs: 'redlock' };
/**
 * A run's duration is split over its rounds, and a round stops at its share even if its
 * iterations are not done: a loaded machine then runs fewer cycles than asked. Runs whose
 * count is checked get a duration far above what their iterations take, so the count ends
 * each round, never the clock.
 */
const COUNTED: RawBenchOptions = { duration: '600' };
/** The injected latency of the faults scenario, and a phase bound that fits 10 faulted cycles. */
const FAULT_LATENCY_MS = 50;
const FAULT_DURATION_S = '5';

describe('redquorum bench against real redis-server', () => {
  let servers: RedisServers | undefined;
  let outDir = '';

  beforeAll(async () => {
    servers = await RedisServers.start({ count: 3 });
    outDir = mkdtempSync(join(tmpdir(), 'redquorum-bench-'));
  });
  afterAll(async () => {
    await servers?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  function redis(): string {
    if (!servers) throw new Error('servers did not start');
    return servers.addresses.join(',');
  }

  function libraryNames(report: BenchReport): string[] {
    return report.libraries.map((library) => library.library);
  }

  it('latency --vs redlock: both libraries, every cycle measured, ratios for every figure', async () => {
    const hgrm = join(outDir, 'latency.hgrm');
    const { report, hgrmPaths } = await runBench(parseBenchOptions('latency', { ...TINY, ...COUNTED, redis: redis(), hgrm }));
    expect(libraryNames(report)).toEqual(['redquorum', 'node-redlock']);
    expect(report).toMatchObject({ scenario: 'latency', workload: 'latency', nodeCount: 3, fault: null });
    for (const library of report.libraries) {
      expect(library.errors).toBe(0);
      expect(library.histograms['cycle']?.count).toBe(30);
      expect(library.histograms['acquire']?.count).toBe(30);
      expect(library.histograms['cycle']!.p50Us).toBeGreaterThan(0);
      expect(library.histograms['cycle']!.p50Us).toBeLessThanOrEqual(library.histograms['cycle']!.maxUs);
    }
    expect(report.ratios.map((ratio) => ratio.name)).toEqual(report.libraries[0]!.figures.map((figure) => figure.name));
    expect(report.ratios.find((ratio) => ratio.name === 'cycle p50')?.ratio).toBeGreaterThan(0);
    expect(report.machine.redisVersion).toMatch(/^\d+\.\d+/);
    expect(hgrmPaths).toHaveLength(6);
    for (const path of hgrmPaths) expect(readFileSync(path, 'utf8')).toMatch(/Value\s+Percentile\s+TotalCount/);
    expect(existsSync(join(outDir, 'latency.node-redlock.acquire.hgrm'))).toBe(true);
    const text = formatReport(report, 'auto');
    expect(text).toMatch(/^redquorum cycle\s+30\s/m);
    expect(text).toMatch(/^node-redlock cycle\s+30\s/m);
    expect(text).toMatch(/redquorum\/node-redlock/);
  });

  it('contention --vs redlock: waits, acquisitions per worker and fairness for both', async () => {
    const { report } = await runBench(parseBenchOptions('contention', { ...TINY, iterations: '40', workers: '3', retryDelay: '5', retryJitter: '2', notify: 'on', redis: redis() }));
    expect(libraryNames(report)).toEqual(['redquorum', 'node-redlock']);
    for (const library of report.libraries) {
      expect(library.perWorker).toHaveLength(3);
      expect(library.perWorker.reduce((a, b) => a + b, 0)).toBe(library.operations);
      expect(library.histograms['wait']?.count).toBe(library.operations);
      expect(library.operations).toBeGreaterThan(0);
      const names = library.figures.map((figure) => figure.name);
      expect(names).toEqual(['acquisitions/s', 'wait p50', 'wait p99', 'wait p99.9', 'fairness max/min', 'acquire calls that gave up', 'client CPU/cycle', 'allocated/cycle', 'GC pause/cycle']);
    }
    expect(report.settings.retry).toEqual({ retryDelay: 5, retryJitter: 2 });
    expect(report.settings.notify).toBe(true);
    const json = JSON.parse(reportToJson(report)) as BenchReport;
    expect(json.ratios.find((ratio) => ratio.name === 'acquisitions/s')?.better).toBe('higher');
  });

  it('latency --vs redlock,raw: one ratio table per other library', async () => {
    const { report } = await runBench(parseBenchOptions('latency', { ...SOLO, ...COUNTED, iterations: '10', vs: 'redlock,raw', redis: redis() }));
    expect(libraryNames(report)).toEqual(['redquorum', 'node-redlock', 'raw']);
    expect(report.comparisons.map((comparison) => comparison.theirs)).toEqual(['node-redlock', 'raw']);
    expect(report.ratios).toEqual(report.comparisons[0]?.ratios);
    expect(report.libraries[2]?.histograms['cycle']?.count).toBe(10);
    expect(formatReport(report, 'auto')).toMatch(/redquorum\/raw/);
  });

  it('latency --self --fencing: variants with their own clients, per-round spreads, usage figures and targets', async () => {
    const { report } = await runBench(parseBenchOptions('latency', { ...TINY, iterations: '40', rounds: '4', self: true, fencing: true, redis: redis() }));
    expect(libraryNames(report)).toEqual(['redquorum', 'redquorum-self', 'redquorum-fencing', 'node-redlock']);
    for (const library of report.libraries) {
      expect(library.rounds).toHaveLength(4);
      expect(library.usage.clientCpuUs).toBeGreaterThan(0);
      expect(library.usage.allocatedBytes).toBeGreaterThan(0);
      // --redis servers are someone else's: their CPU is not attributed to a library.
      expect(library.usage.serverCpuUs).toBeNull();
      expect(library.figures.map((figure) => figure.name)).toEqual(expect.arrayContaining(['client CPU/cycle', 'allocated/cycle', 'GC pause/cycle']));
      expect(library.figures.map((figure) => figure.name)).not.toContain('server CPU/cycle');
    }
    const self = report.comparisons.find((comparison) => comparison.theirs === 'redquorum-self');
    const p50 = self?.ratios.find((ratio) => ratio.name === 'cycle p50');
    expect(p50?.spread?.min).toBeLessThanOrEqual(p50?.spread?.max ?? Number.NaN);
    expect(report.targets.map((target) => target.target)).toContain('fencing on: cycle p50 / fencing off');
    expect(report.targets.find((target) => target.target === 'sequential cycle p50 / node-redlock')?.status).toMatch(/^(met|missed)$/);
    const text = formatReport(report, 'auto');
    expect(text).toMatch(/redquorum\/redquorum-self\s+per round/);
    expect(text).toMatch(/^Targets \(same-run ratios\)$/m);
  });

  it('throughput without --vs: one library, no ratios', async () => {
    const { report } = await runBench(parseBenchOptions('throughput', { ...SOLO, ...COUNTED, concurrency: '4', iterations: '40', redis: redis() }));
    expect(libraryNames(report)).toEqual(['redquorum']);
    expect(report.ratios).toEqual([]);
    expect(report.libraries[0]?.operations).toBe(40);
  });

  it('faults: the same workload with and without +latency on 2 of 3 nodes, through Toxiproxy', async () => {
    // Each faulted cycle waits the latency twice (acquire and release), so the phase's time
    // bound must leave room for all 10: FAULT_DURATION_S, far above 10 x 2 x 50 ms.
    const { report } = await runBench(parseBenchOptions('faults', { ...SOLO, duration: FAULT_DURATION_S, iterations: '10', fault: `latency:${FAULT_LATENCY_MS}:2`, nodes: '3' }));
    const ours = report.libraries[0]!;
    expect(Object.keys(ours.histograms)).toEqual(['no fault/cycle', 'no fault/acquire', 'no fault/release', 'fault/cycle', 'fault/acquire', 'fault/release']);
    expect(ours.histograms['fault/acquire']?.count).toBe(10);
    // The latency on 2 of 3 nodes: a quorum needs one of them, so every faulted acquire
    // waits it out; without the fault the typical (median) acquire is faster than that.
    expect(ours.histograms['fault/acquire']!.p50Us).toBeGreaterThanOrEqual(FAULT_LATENCY_MS * 1000);
    expect(ours.histograms['no fault/acquire']!.p50Us).toBeLessThan(FAULT_LATENCY_MS * 1000);
    expect(ours.figures.find((figure) => figure.name === 'acquire p99 fault / no fault')?.value).toBeGreaterThan(1);
    expect(report.testbed).toMatch(/toxiproxy/);
    // The embedded servers are this process's: their CPU is read around each run, per phase.
    expect(ours.usage.serverCpuUs).toBeGreaterThan(0);
    expect(ours.figures.find((figure) => figure.name === 'fault: server CPU/cycle')?.value).toBeGreaterThan(0);
    expect(report.targets.map((target) => target.target)).toEqual([expect.stringMatching(/^\+\d+ ms on 2 nodes: acquire p99 \/ its no-fault p99$/)]);
  });

  it('faults down:1: the workload still runs with one of three nodes unreachable', async () => {
    const { report } = await runBench(parseBenchOptions('faults', { ...SOLO, duration: FAULT_DURATION_S, iterations: '10', fault: 'down:1', nodes: '3' }));
    const ours = report.libraries[0]!;
    expect(ours.histograms['fault/acquire']?.count).toBe(10);
    expect(ours.histograms['no fault/acquire']?.count).toBe(10);
    expect(ours.errors).toBe(0);
  });

  it('the CLI prints JSON, and rejects a bad option naming it, with exit code 2', async () => {
    // tsx as a loader in one node process (not its CLI, which spawns a second); the two runs
    // are independent, so they start together.
    const cli = ['--import', 'tsx', join(REPO_ROOT, 'bench', 'cli.ts')];
    const [printed, failure] = await Promise.all([
      run(process.execPath, [...cli, 'bench', 'latency', '--redis', redis(), '--iterations', '5', '--warmup', '0', '--rounds', '1', '--json', '--no-progress'], { cwd: REPO_ROOT, timeout: 30_000 }),
      run(process.execPath, [...cli, 'bench', 'latency', '--iterations', '0'], { cwd: REPO_ROOT, timeout: 30_000 }).catch((error: { code: number; stderr: string }) => error),
    ]);
    const report = JSON.parse(printed.stdout) as BenchReport;
    expect(report.libraries[0]?.histograms['cycle']?.count).toBe(5);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/--iterations must be an integer from 1 to 10000000, got "0"/);
  });
});
