import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/testbed/tools.js';

// node-redlock's types break under NodeNext and bundler resolution (its issues #173,
// #290, #307). The packed tarball is checked by the tools made for it (Are the Types
// Wrong? and publint), and one consumer is type-checked under NodeNext (ESM and
// CommonJS) and bundler resolution in this process, with the TypeScript API.
const DIST = join(REPO_ROOT, 'dist');
const ATTW = join(REPO_ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
const NPM_TIMEOUT_MS = 60_000;

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

describe('the built package', () => {
  let dir = '';
  let tarball = '';

  beforeAll(() => {
    if (!existsSync(join(DIST, 'index.js'))) throw new Error('dist/ is missing: the test command builds it with tsup before vitest runs');
    dir = mkdtempSync(join(tmpdir(), 'redquorum-consumer-'));
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: NPM_TIMEOUT_MS });
    const packed = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    if (!packed) throw new Error(`npm pack wrote no tarball into ${dir}`);
    tarball = join(dir, packed);
    mkdirSync(join(dir, 'node_modules', '@opentelemetry'), { recursive: true });
    symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'redquorum'), 'dir');
    for (const name of ['ioredis', 'redis', '@types', '@opentelemetry/api']) symlinkSync(join(REPO_ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }, NPM_TIMEOUT_MS);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has no type resolution problem in any entry point under any resolution mode (Are the Types Wrong?)', () => {
    const output = execFileSync(process.execPath, [ATTW, tarball, '--format', 'json'], { encoding: 'utf8', timeout: NPM_TIMEOUT_MS });
    const report = JSON.parse(output) as { analysis: { entrypoints: Record<string, unknown>; problems: unknown[] } };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './otel', './package.json']);
    expect(report.analysis.problems).toEqual([]);
  }, NPM_TIMEOUT_MS);

  it('has no packaging error or warning (publint, strict)', async () => {
    const { messages } = await publint({ strict: true, pack: { tarball: new Uint8Array(readFileSync(tarball)).buffer } });
    expect(messages.filter((message) => message.type !== 'suggestion')).toEqual([]);
  }, NPM_TIMEOUT_MS);

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
    const problems = programs.flatMap(({ mode, roots, options }) => {
      const program = ts.createProgram(roots, options);
      return ts.getPreEmitDiagnostics(program).map((d) => `${mode}: ${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    });
    expect(problems).toEqual([]);
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
