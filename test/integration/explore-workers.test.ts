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
/**
 * A CLI run is interrupted at its own bound, below its test's (which also explores the two
 * shards in this process), so that an overrun child does not outlive its failed test.
 */
const CLI_TIMEOUT_MS = 80_000;
const CLI_TEST_TIMEOUT_MS = 120_000;
/** How long the stand-in explorer's pid file may take to appear. */
const PID_WAIT_MS = 10_000;
/** When the stand-in explorer that waits ends by itself: far beyond the 10 s it is given to be stopped. */
const STAND_IN_ENDS_MS = 60_000;

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
    const cli = await runCli(['explore', '--within-assumptions', '--seed', '31', '--ops', '1500', '--ops-per-run', '200', '--workers', '2', '--no-shrink'], CLI_TIMEOUT_MS);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const match = SUMMARY.exec(cli.stdout);
    expect(match, cli.stdout).not.toBeNull();
    const expected = await inProcess('within', 31);
    expect([Number(match?.[1]), Number(match?.[2])]).toEqual([expected.runs, expected.attempts]);
    expect(expected.attempts).toBeGreaterThanOrEqual(1500);
  }, CLI_TEST_TIMEOUT_MS);

  it("each process's findings reach the parent: the same seeds as the shards found here", async () => {
    const cli = await runCli(['explore', '--seed', '7', '--ops', '1500', '--ops-per-run', '200', '--workers', '2', '--no-shrink'], CLI_TIMEOUT_MS);
    expect(cli.stderr).toBe('');
    const printed = [...cli.stdout.matchAll(/^violation seed (\d+):/gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
    const expected = (await inProcess('swarm', 7)).findings.map((f) => f.scenario.seed).sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(0);
    expect(printed).toEqual(expected);
  }, CLI_TEST_TIMEOUT_MS);

  it('an explorer that dies fails the exploration with its shard named, and the others are stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'explore-workers-'));
    const pidFile = join(dir, 'pid');
    // A stand-in explorer: shard 1 says it is up and would wait far beyond the test's bound;
    // shard 0 then dies. The pid is written to a temporary file and renamed into place, so
    // the pid file never exists empty or in part. Shard 1 ends by itself at last, so that a
    // failed test leaves no process behind.
    const script = join(dir, 'explorer.mjs');
    writeFileSync(script, `import { existsSync, renameSync, writeFileSync } from 'node:fs';
const pidFile = ${JSON.stringify(pidFile)};
process.once('message', ({ options }) => {
  if (options.shardIndex === 0) setInterval(() => existsSync(pidFile) && process.exit(2), 20);
  else {
    writeFileSync(pidFile + '.tmp', String(process.pid));
    renameSync(pidFile + '.tmp', pidFile);
    setTimeout(() => process.exit(3), ${STAND_IN_ENDS_MS});
  }
});
`);
    try {
      await expect(exploreInWorkers(options('within', 1), 2, () => {}, { script, execArgv: [] })).rejects.toThrow('explorer of shard 0 of 2 ended with exit code 2 before its summary');
      const pid = await waitForPid(pidFile);
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

/**
 * The pid written to `path`, once it holds one. Only a positive integer other than this
 * process's is taken: signalling pid 0 (what Number('') gives) or a negative pid would
 * reach this whole process group, the test runner included.
 */
async function waitForPid(path: string): Promise<number> {
  const deadline = Date.now() + PID_WAIT_MS;
  for (;;) {
    let text = '';
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const pid = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (isOtherProcess(pid)) return pid;
    if (Date.now() > deadline) throw new Error(`no pid in ${path} within ${PID_WAIT_MS} ms (it reads ${JSON.stringify(text)})`);
    await sleep(50);
  }
}

function isOtherProcess(pid: number): boolean {
  return Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid;
}

function alive(pid: number): boolean {
  if (!isOtherProcess(pid)) throw new RangeError(`not another process's pid: ${pid}`);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
