import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/testbed/tools.js';

// node-redlock's types break under NodeNext and bundler resolution (its issues #173,
// #290, #307). These tests compile and run consumers of the built package the way
// users do: `import` and `require`, under each resolution mode.
const DIST = join(REPO_ROOT, 'dist', 'index.js');
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const CONSUMER = `
import Redlock, { Redlock as Named, ExecutionError, type Lock, type Settings } from 'redquorum';
const same: typeof Named = Redlock;
const settings: Partial<Settings> = { retryCount: 0, fencing: true };
async function use(redlock: Redlock): Promise<bigint | undefined> {
  const lock: Lock = await redlock.acquire(['a'], 1000, settings);
  await lock.release();
  return lock.fence;
}
export { same, use, ExecutionError };
`;

describe('the built package', () => {
  let dir = '';

  beforeAll(() => {
    if (!existsSync(DIST)) throw new Error('dist/ is missing: the test command builds it with tsup before vitest runs');
    dir = mkdtempSync(join(tmpdir(), 'redquorum-consumer-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'redquorum'), 'dir');
    symlinkSync(join(REPO_ROOT, 'node_modules', 'ioredis'), join(dir, 'node_modules', 'ioredis'), 'dir');
    symlinkSync(join(REPO_ROOT, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir');
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['NodeNext, ESM', 'NodeNext', 'NodeNext', 'consumer.mts'],
    ['NodeNext, CommonJS', 'NodeNext', 'NodeNext', 'consumer.cts'],
    ['bundler', 'ESNext', 'Bundler', 'consumer.ts'],
  ])('type-checks under %s resolution', (_name, module, moduleResolution, file) => {
    writeFileSync(join(dir, file), CONSUMER);
    const run = (): string =>
      execFileSync(process.execPath, [TSC, '--noEmit', '--strict', '--skipLibCheck', 'false', '--types', 'node', '--module', module, '--moduleResolution', moduleResolution, '--target', 'ES2022', join(dir, file)], {
        cwd: dir,
        encoding: 'utf8',
      });
    expect(run).not.toThrow();
  }, 60_000);

  it('loads with require() and with import, with Redlock as the default export', () => {
    writeFileSync(join(dir, 'load.cjs'), "const m = require('redquorum'); console.log(typeof m.Redlock, m.default === m.Redlock, typeof m.ExecutionError);");
    writeFileSync(join(dir, 'load.mjs'), "import R, { Redlock, ResourceLockedError } from 'redquorum'; console.log(typeof Redlock, R === Redlock, typeof ResourceLockedError);");
    expect(execFileSync(process.execPath, [join(dir, 'load.cjs')], { cwd: dir, encoding: 'utf8' }).trim()).toBe('function true function');
    expect(execFileSync(process.execPath, [join(dir, 'load.mjs')], { cwd: dir, encoding: 'utf8' }).trim()).toBe('function true function');
  });
});
