import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('../../fixtures/v5-consumer.ts', import.meta.url));

// What a v5 user's project typically compiles with (not this repository's stricter flags).
const CONSUMER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ['node'],
  skipLibCheck: true,
  noEmit: true,
};

let previous: ts.Program | undefined;

/** Type-checks the fixture, with `patch` applied to its text; returns the diagnostics as text. */
function typeCheck(patch: (source: string) => string = (source) => source): string[] {
  const host = ts.createCompilerHost(CONSUMER_OPTIONS);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === FIXTURE ? patch(readFile(name) ?? '') : readFile(name));
  // The previous program's unchanged files (the library, ioredis, node) are reused.
  const program = ts.createProgram([FIXTURE], CONSUMER_OPTIONS, host, previous);
  previous = program;
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('v5 consumer code', () => {
  it('compiles unchanged against redquorum (Settings literal, lock.redlock.quit() and .settings, the using overloads)', () => {
    expect(typeCheck()).toEqual([]);
  }, 60_000);

  it('fails to compile when it uses something redquorum lacks (the check can fail)', () => {
    const diagnostics = typeCheck((source) => source.replace('await lock.redlock.quit();', 'await lock.redlock.quitAll();'));
    expect(diagnostics.some((text) => text.includes('quitAll'))).toBe(true);
  }, 60_000);
});
