import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServers } from '../../sim/testbed/redis-servers.js';
import { REPO_ROOT } from '../../sim/testbed/tools.js';

// The README's `await using` example as a user compiles it: TypeScript (>= 5.2, here the
// project's) lowers it for Node 20, whose V8 has no `using` yet, and the output runs
// against real redis-servers with the built package. vitest's own transform is not what
// users run, so this does not rely on it.
const run = promisify(execFile);
const RUN_TIMEOUT_MS = 30_000;

const EXAMPLE = `
import { Redis } from 'ioredis';
import { Redlock } from 'redquorum';

const ports = process.argv.slice(2).map(Number);
const clients = ports.map((port) => new Redis({ host: '127.0.0.1', port }));
const redlock = new Redlock(clients);
const count = async (): Promise<number> => (await Promise.all(clients.map((c) => c.exists('report:daily')))).reduce((a, b) => a + b, 0);

async function work(fail: boolean): Promise<void> {
  await using lock = await redlock.acquire(['report:daily'], 10_000);
  console.log('inside', await count(), lock.resources.join());
  if (fail) throw new Error('the work failed');
}

await work(false);
console.log('after', await count());
await work(true).catch((error: Error) => console.log('caught', error.message));
console.log('after failure', await count());
await redlock.quit();
`;

describe('await using, compiled by TypeScript for Node 20', () => {
  let servers: RedisServers | undefined;
  let dir = '';

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: the test command builds it with tsup before vitest runs');
    servers = await RedisServers.start({ count: 3 });
    dir = mkdtempSync(join(tmpdir(), 'redquorum-using-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'redquorum'), 'dir');
    symlinkSync(join(REPO_ROOT, 'node_modules', 'ioredis'), join(dir, 'node_modules', 'ioredis'), 'dir');
  });

  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is lowered for ES2022 and releases at the end of the block, also when the block throws', async () => {
    expect(Number(ts.versionMajorMinor)).toBeGreaterThanOrEqual(5.2);
    const { outputText, diagnostics } = ts.transpileModule(EXAMPLE, {
      fileName: 'example.mts',
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
    });
    expect(diagnostics ?? []).toEqual([]);
    // Lowered, not passed through: Node 20 cannot parse `await using`.
    expect(outputText).not.toMatch(/await using/);
    writeFileSync(join(dir, 'example.mjs'), outputText);
    const ports = need(servers).nodes.map((node) => String(node.port));
    const { stdout } = await run(process.execPath, [join(dir, 'example.mjs'), ...ports], { cwd: dir, timeout: RUN_TIMEOUT_MS });
    // acquire() resolves at a quorum: at least 2 of the 3 nodes hold the key inside.
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^inside [23] report:daily$/);
    expect(lines.slice(1)).toEqual(['after 0', expect.stringMatching(/^inside [23] report:daily$/), 'caught the work failed', 'after failure 0']);
  }, RUN_TIMEOUT_MS * 2);
});

function need(servers: RedisServers | undefined): RedisServers {
  if (!servers) throw new Error('the redis servers did not start (see beforeAll)');
  return servers;
}
