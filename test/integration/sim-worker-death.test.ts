import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../sim/random.js';
import { WorkerPool } from '../../sim/run/worker-pool.js';
import { planWorkers } from '../../sim/run/worker-plan.js';
import { resolveSettings } from '../../sim/run/settings.js';
import type { Scenario } from '../../sim/scenarios/types.js';

// Nothing listens on port 1: the workers' acquires fail fast, which is all this test needs
// (real workers, real processes; what it checks is the pool noticing them die).
const NOWHERE = { host: '127.0.0.1', port: 1 };
const SCENARIO: Scenario = {
  id: 'worker-death',
  fault: 'none',
  assumption: 'within',
  description: '',
  groups: [{ variant: 'correct', fenced: true }],
  nemeses: () => [],
  expected: () => ({ locks: 'safe', liveness: {} }),
};

describe('worker pool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redquorum-pool-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Issue finding 4: a worker killed by SIGKILL went unnoticed, and its history simply ended.
  it('reports a worker killed by SIGKILL during its run as a harness problem', async () => {
    const settings = resolveSettings({ seed: 5, durationS: 3, workers: 2, loops: 1 });
    const configs = planWorkers(SCENARIO, settings, { clientEndpoints: () => [NOWHERE, NOWHERE, NOWHERE], resourceEndpoint: NOWHERE }, dir, new Random(5));
    const pool = await WorkerPool.start(configs);
    try {
      pool.go();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const victim = pool.handles[0];
      if (victim === undefined) throw new Error('no worker started');
      process.kill(victim.pid, 'SIGKILL');
      await pool.waitForExit(settings.runMs + 3 * settings.ttlMs);
    } finally {
      await pool.kill();
    }
    expect(pool.problems.join('\n')).toMatch(new RegExp(`worker ${configs[0]?.workerId} \\(pid \\d+\\) died of SIGKILL before its run ended`));
    // The other worker ran to its end and said so: no problem reported for it.
    expect(pool.problems.filter((p) => p.includes(`worker ${configs[1]?.workerId} `))).toEqual([]);
  }, 30_000);
});
