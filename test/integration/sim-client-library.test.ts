import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../sim/random.js';
import { resolveSettings } from '../../sim/run/settings.js';
import { planWorkers } from '../../sim/run/worker-plan.js';
import { selectScenarios } from '../../sim/scenarios/catalog.js';
import { RedisServers } from '../../sim/testbed/redis-servers.js';
import { runCli } from './helpers/run-cli.js';
import { openNodeRedisClients } from '../../sim/workload/lock-client-library.js';
import { isNodeRedisClient } from '../../src/clients/node-redis.js';
import { Redlock } from '../../src/index.js';

// The lab's `--client node-redis`: the option reaches every worker's config, the
// factory gives node-redis clients the library locks on, and a scenario runs on them.
const ENDPOINTS = {
  clientEndpoints: (group: number) => [0, 1, 2].map((node) => ({ host: '127.0.0.1', port: 20_000 + group * 10 + node })),
  resourceEndpoint: { host: '127.0.0.1', port: 6390 },
};

describe('the lab on node-redis clients', () => {
  let servers: RedisServers | undefined;
  const outDir = mkdtempSync(join(tmpdir(), 'redquorum-sim-client-'));
  beforeAll(async () => {
    servers = await RedisServers.start({ count: 3 });
  });
  afterAll(async () => {
    await servers?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('puts the chosen client library into every worker config, ioredis by default', () => {
    const [scenario] = selectScenarios(['client-pause-hold']);
    if (!scenario) throw new Error('client-pause-hold is missing');
    const plan = (client?: 'node-redis') => planWorkers(scenario, resolveSettings({ seed: 3, short: true, ...(client ? { client } : {}) }), ENDPOINTS, '/tmp/h', new Random(3));
    expect(new Set(plan().map((config) => config.client))).toEqual(new Set(['ioredis']));
    expect(new Set(plan('node-redis').map((config) => config.client))).toEqual(new Set(['node-redis']));
  });

  it('opens node-redis clients the library locks on, and closes them', async () => {
    const endpoints = (servers?.nodes ?? []).map((node) => ({ host: node.host, port: node.port }));
    const opened = await openNodeRedisClients(endpoints, 1_000);
    try {
      expect(opened.clients.every((client) => isNodeRedisClient(client))).toBe(true);
      const redlock = new Redlock(opened.clients, { retryCount: 20, retryDelay: 20 });
      const lock = await redlock.acquire(['lab-client'], 1_000);
      expect((await lock.attempts.at(-1))?.votesFor.size).toBeGreaterThanOrEqual(2);
      await lock.release();
    } finally {
      await opened.close();
    }
    expect(opened.clients.every((client) => isNodeRedisClient(client) && !client.isOpen)).toBe(true);
  });

  it('runs a scenario with --client node-redis and passes', async () => {
    const run = await runCli(['sim', 'baseline', '--client', 'node-redis', '--seed', '77', '--duration', '2', '--workers', '2', '--out', outDir], 45_000);
    expect(run.stdout).toMatch(/baseline\s+none\s+\d+\s+0\s+0/);
    expect(run.stdout, run.stderr).toMatch(/1 scenarios?: 1 PASS, 0 FAIL/);
    expect(run.code, run.stderr).toBe(0);
  }, 60_000);

  it('refuses an unknown client library, naming the choices', async () => {
    const run = await runCli(['sim', 'baseline', '--client', 'jedis'], 20_000);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--client.*ioredis, node-redis/);
  }, 30_000);
});
