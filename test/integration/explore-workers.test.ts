import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { explore, type ExploreOptions } from '../../sim/explore/explore.js';
import { exploreInWorkers, sumSummaries } from '../../sim/explore/explore-workers.js';
import { runCli } from './helpers/run-cli.js';

// `--workers N` forks N explorer processes of the CLI over disjoint runs. Each shard is
// deterministic, so the processes' summed counts must equal the same shards explored here,
// one after the other, in this process.
const SUMMARY = /: (\d+) runs, (\d+) lock operation attempts, .* \(2 processes\)$/m;

function options(mode: 'within' | 'swarm', seed: number): ExploreOptions {
  return { seed, mode, opsTotal: 1500, opsPerRun: 200, runsMax: 1_000_000, timeLimitMs: 600_000, controls: [] };
}

async function inProcess(mode: 'within' | 'swarm', seed: number): Promise<ReturnType<typeof sumSummaries>> {
  const base = options(mode, seed);
  const shards = [];
  for (let shardIndex = 0; shardIndex < 2; shardIndex += 1) {
    shards.push(await explore({ ...base, opsTotal: Math.ceil(base.opsTotal / 2), shardIndex, shardCount: 2 }));
  }
  return sumSummaries(shards);
}

describe('explore --workers', () => {
  it('two processes explore exactly the two shards of the runs and sum them', async () => {
    const cli = await runCli(['explore', '--within-assumptions', '--seed', '31', '--ops', '1500', '--ops-per-run', '200', '--workers', '2', '--no-shrink'], 120_000);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const match = SUMMARY.exec(cli.stdout);
    expect(match, cli.stdout).not.toBeNull();
    const expected = await inProcess('within', 31);
    expect([Number(match?.[1]), Number(match?.[2])]).toEqual([expected.runs, expected.attempts]);
    expect(expected.attempts).toBeGreaterThanOrEqual(1500);
  });

  it("each process's findings reach the parent: the same seeds as the shards found here", async () => {
    const cli = await runCli(['explore', '--seed', '7', '--ops', '1500', '--ops-per-run', '200', '--workers', '2', '--no-shrink'], 120_000);
    expect(cli.stderr).toBe('');
    const printed = [...cli.stdout.matchAll(/^violation seed (\d+):/gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
    const expected = (await inProcess('swarm', 7)).findings.map((f) => f.scenario.seed).sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(0);
    expect(printed).toEqual(expected);
  });

  it('an explorer that dies fails the exploration with its shard named, and the others are stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'explore-workers-'));
    const pidFile = join(dir, 'pid');
    // A stand-in explorer: shard 1 says it is up and would wait for ever; shard 0 then dies.
    const script = join(dir, 'explorer.mjs');
    writeFileSync(script, `import { existsSync, writeFileSync } from 'node:fs';
const pidFile = ${JSON.stringify(pidFile)};
process.once('message', ({ options }) => {
  if (options.shardIndex === 0) setInterval(() => existsSync(pidFile) && process.exit(2), 20);
  else {
    writeFileSync(pidFile, String(process.pid));
    setInterval(() => {}, 1000);
  }
});
`);
    try {
      await expect(exploreInWorkers(options('within', 1), 2, () => {}, { script, execArgv: [] })).rejects.toThrow('explorer of shard 0 of 2 ended with exit code 2 before its summary');
      const pid = Number(await waitForFile(pidFile));
      // Stopped by the parent: gone within the bound, or the test fails (and stops it itself).
      const deadline = Date.now() + 10_000;
      while (alive(pid) && Date.now() < deadline) await sleep(50);
      const stillAlive = alive(pid);
      if (stillAlive) process.kill(pid, 'SIGKILL');
      expect(stillAlive).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sums counts and CPU time, takes the longest host time and the soonest first finding', () => {
    const base = { operations: 1, runsWith: new Map(), findings: [], stoppedBy: 'ops' as const };
    const sum = sumSummaries([
      { ...base, runs: 2, attempts: 10, simulatedMs: 100, hostMs: 50, cpuMs: 40, simulatedMsToFirstFinding: undefined, runsWith: new Map([['late-write', 1]]) },
      { ...base, runs: 3, attempts: 20, simulatedMs: 200, hostMs: 70, cpuMs: 60, simulatedMsToFirstFinding: 30, runsWith: new Map([['late-write', 2]]) },
    ]);
    expect(sum).toMatchObject({ runs: 5, attempts: 30, operations: 2, simulatedMs: 300, hostMs: 70, cpuMs: 100, simulatedMsToFirstFinding: 30, stoppedBy: 'ops' });
    expect([...sum.runsWith]).toEqual([['late-write', 3]]);
  });
});

async function waitForFile(path: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
