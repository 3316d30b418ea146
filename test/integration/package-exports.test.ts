import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/testbed/tools.js';
import { typeCheck } from '../helpers/type-check.js';

// node-redlock's types break under NodeNext and bundler resolution (its issues #173,
// #290, #307). The packed tarball is checked by the tools made for it (Are the Types
// Wrong? and publint), and one consumer is type-checked under NodeNext (ESM and
// CommonJS) and bundler resolution in this process, with the TypeScript API. npm pack and
// Are the Types Wrong? run as child processes while that compile keeps this one busy.
const DIST = join(REPO_ROOT, 'dist');
const ATTW = join(REPO_ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
const NPM_TIMEOUT_MS = 60_000;
const run = promisify(execFile);

const CONSUMER = `
import Redlock, { Redlock as Named, ExecutionError, type Inspection, type Lock, type Settings } from 'redquorum';
import { instrumentRedquorum, type RedquorumInstrumentation } from 'redquorum/otel';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
const same: typeof Named = Redlock;
const settings: Partial<Settings> = { retryCount: 0, fencing: true };
async function use(redlock: Redlock): Promise<bigint | undefined> {
  const lock: Lock = await redlock.acquire(['a'], 1000, settings);
  await lock.release();
  await using disposed = await redlock.acquire(['b'], 1000);
  const seen: Inspection = await redlock.inspect(['b']);
  return seen.state === 'held' ? disposed.fence : lock.fence;
}
const drivers = () => new Redlock([new Redis(), createClient()]);
const instrumentation: RedquorumInstrumentation = instrumentRedquorum();
export { same, use, drivers, instrumentation, ExecutionError };
`;

/** The relative modules an ESM file imports, transitively: what loading it loads from dist/. */
function esmGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*["'](\.[^"']+)["']/g)) {
    esmGraph(join(dirname(file), match[1] ?? ''), seen);
  }
  return seen;
}

/**
 * npm pack, then Are the Types Wrong? on the tarball, in one shell child process that writes
 * attw's JSON report and exit status next to the tarball. One child, not a chain of promises
 * here, so that attw starts as soon as the tarball exists even while this process is busy in
 * the synchronous consumer compile.
 */
const PACK_AND_ATTW = 'set -e; npm pack --silent --pack-destination "$1" > /dev/null; set +e; "$2" "$3" "$1"/*.tgz --format json > "$1/attw.json"; echo $? > "$1/attw.status"';

describe('the built package', () => {
  let dir = '';
  let packed: Promise<unknown> | undefined;

  /** Waits for the child; its failure (npm pack's, with its stderr) fails the test that needs it. */
  const packedDir = async (): Promise<string> => {
    if (!packed) throw new Error('beforeAll did not run');
    await packed;
    return dir;
  };

  beforeAll(() => {
    if (!existsSync(join(DIST, 'index.js'))) throw new Error('dist/ is missing: the test command builds it with tsup before vitest runs');
    dir = mkdtempSync(join(tmpdir(), 'redquorum-consumer-'));
    packed = run('sh', ['-c', PACK_AND_ATTW, 'pack-and-attw', dir, process.execPath, ATTW], { cwd: REPO_ROOT, encoding: 'utf8', timeout: NPM_TIMEOUT_MS });
    // Awaited by the tests that use it; this keeps an early failure from being unhandled meanwhile.
    packed.catch(() => undefined);
    mkdirSync(join(dir, 'node_modules', '@opentelemetry'), { recursive: true });
    symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'redquorum'), 'dir');
    for (const name of ['ioredis', 'redis', '@types', '@opentelemetry/api']) symlinkSync(join(REPO_ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  });

  afterAll(async () => {
    // The child process ends before its directory goes.
    await packed?.catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // First, so that it runs while npm pack and attw work in their own processes.
  it('type-checks one consumer under NodeNext (ESM and CommonJS) and bundler resolution', () => {
    const files = { esm: join(dir, 'consumer.mts'), cjs: join(dir, 'consumer.cts'), bundler: join(dir, 'consumer.ts') };
    for (const file of Object.values(files)) writeFileSync(file, CONSUMER);
    const base: ts.CompilerOptions = {
      noEmit: true,
      strict: true,
      skipLibCheck: false,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
      types: ['node'],
    };
    const programs = [
      { mode: 'NodeNext', roots: [files.esm, files.cjs], options: { ...base, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext } },
      { mode: 'bundler', roots: [files.bundler], options: { ...base, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler } },
    ];
    const declarations = { NodeNext: ['index.d.ts', 'otel.d.ts', 'index.d.cts', 'otel.d.cts'], bundler: ['index.d.ts', 'otel.d.ts'] };
    const problems = programs.flatMap(({ mode, roots, options }) => {
      const result = typeCheck({ roots, options, checkedDirs: [DIST] });
      // The package's own declarations, as each mode resolves them, are checked in full.
      expect(result.checkedFiles, mode).toEqual(expect.arrayContaining(declarations[mode as keyof typeof declarations].map((name) => join(DIST, name))));
      return result.problems.map((problem) => `${mode}: ${problem}`);
    });
    expect(problems).toEqual([]);
  }, NPM_TIMEOUT_MS);

  it('has no type resolution problem in any entry point under any resolution mode (Are the Types Wrong?)', async () => {
    const out = await packedDir();
    expect(readFileSync(join(out, 'attw.status'), 'utf8').trim(), readFileSync(join(out, 'attw.json'), 'utf8')).toBe('0');
    const report = JSON.parse(readFileSync(join(out, 'attw.json'), 'utf8')) as { analysis: { entrypoints: Record<string, unknown>; problems: unknown[] } };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './otel', './package.json']);
    expect(report.analysis.problems).toEqual([]);
  }, NPM_TIMEOUT_MS);

  it('has no packaging error or warning (publint, strict)', async () => {
    const tarball = readdirSync(await packedDir()).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
    const { messages } = await publint({ strict: true, pack: { tarball: new Uint8Array(readFileSync(join(dir, tarball))).buffer } });
    expect(messages.filter((message) => message.type !== 'suggestion')).toEqual([]);
  }, NPM_TIMEOUT_MS);

  it('loads with require() and with import, and the main entry loads neither @opentelemetry/api nor redis', () => {
    writeFileSync(join(dir, 'load.cjs'), "const m = require('redquorum'); const o = require('redquorum/otel'); console.log(typeof m.Redlock, m.default === m.Redlock, typeof o.instrumentRedquorum);");
    writeFileSync(join(dir, 'load.mjs'), "import R, { Redlock } from 'redquorum'; import { instrumentRedquorum } from 'redquorum/otel'; console.log(typeof Redlock, R === Redlock, typeof instrumentRedquorum);");
    expect(execFileSync(process.execPath, [join(dir, 'load.cjs')], { cwd: dir, encoding: 'utf8' }).trim()).toBe('function true function');
    expect(execFileSync(process.execPath, [join(dir, 'load.mjs')], { cwd: dir, encoding: 'utf8' }).trim()).toBe('function true function');
    const optional = /(?:from\s*|require\(\s*|import\(\s*)["'](?:@opentelemetry\/[^"']*|redis)["']/;
    for (const file of [...esmGraph(join(DIST, 'index.js')), join(DIST, 'index.cjs')]) expect(readFileSync(file, 'utf8'), file).not.toMatch(optional);
    // The check sees an import when there is one.
    expect(readFileSync(join(DIST, 'otel.js'), 'utf8')).toMatch(optional);
  });
});
