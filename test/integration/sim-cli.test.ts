import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './helpers/run-cli.js';

describe('redquorum sim (CLI)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'redquorum-sim-cli-'));
  const jsonPath = join(outDir, 'counts.json');
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  // One lab run (its testbed and 2 s of workload are most of this file's time) serves both
  // tests that read what it printed and wrote; each test starts it if it runs alone.
  let baseline: Promise<CliRun> | undefined;
  const baselineRun = (): Promise<CliRun> =>
    (baseline ??= runCli(['sim', 'baseline', '--seed', '77', '--duration', '2', '--workers', '4', '--out', outDir, '--json', jsonPath], 45_000));

  it('prints the seed first, then the verdict table, writes the report and exits 0 when the scenario matches', async () => {
    const run = await baselineRun();
    expect(run.stdout.split('\n')[0], run.stderr).toBe('seed 77');
    expect(run.stdout).toMatch(/baseline\s+none\s+\d+\s+0\s+0/);
    expect(run.stdout).toMatch(/1 scenarios?: 1 PASS, 0 FAIL/);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(outDir, 'report.html'))).toBe(true);
    expect(readFileSync(join(outDir, 'baseline', 'history.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(100);
  }, 60_000);

  it('writes every count of every row with --json', async () => {
    const run = await baselineRun();
    expect(run.code, run.stderr).toBe(0);
    const counts = JSON.parse(readFileSync(jsonPath, 'utf8')) as { seed: number; scenarios: { scenario: string; status: string; observed: Record<string, unknown> }[] };
    expect(counts.seed).toBe(77);
    expect(counts.scenarios.map((s) => [s.scenario, s.status])).toEqual([['baseline', 'pass']]);
    for (const key of ['lockViolations', 'tokenRegressions', 'registers', 'acquisitionsByGroup', 'acquisitions', 'availability', 'acquireP99Ms']) {
      expect(counts.scenarios[0]?.observed, key).toHaveProperty(key);
    }
  }, 60_000);

  // The refusals start no lab (nothing listens on port 1), so they run side by side.
  it.concurrent('rejects a bad option with a message naming it and its range', async ({ expect }) => {
    const run = await runCli(['sim', '--workers', '0'], 20_000);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--workers must be an integer from 1 to 64/);
  }, 30_000);

  it.concurrent('names the known scenarios when given an unknown one (harness exit code 3)', async ({ expect }) => {
    const run = await runCli(['sim', 'no-such-scenario'], 20_000);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/unknown scenario "no-such-scenario".*baseline/);
  }, 30_000);

  it.concurrent('says in one plain line why the lab could not start, with no stack trace, and exits 3', async ({ expect }) => {
    // Port 1 on loopback: nothing listens there, so the explicit testbed cannot connect.
    const run = await runCli(['sim', 'baseline', '--redis', '127.0.0.1:1', '--toxiproxy', 'http://127.0.0.1:1', '--resource', '127.0.0.1:1', '--out', join(outDir, 'no-lab')], 30_000);
    expect(run.code).toBe(3);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^redquorum: the lab could not start its testbed: .+/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 40_000);
});
