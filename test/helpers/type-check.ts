import { realpathSync } from 'node:fs';
import ts from 'typescript';

/**
 * Type-checks consumer code with the TypeScript API, in this process.
 *
 * Two things keep it fast without checking less of what is ours:
 * - Declaration files (lib, @types/node, ioredis, redis, dist/) are parsed and bound once per
 *   process and shared by every program made here, as TypeScript's language service shares
 *   them between programs. They never change during a test run; consumer files are not cached.
 * - The full check runs on the consumer's files and on the declaration files under the given
 *   directories (the package under test), never on third parties' declarations, which are
 *   only read as far as our code uses them. Checking all of redis's and @types/node's
 *   declarations (skipLibCheck: false over the whole program) was most of the time and
 *   says nothing about this package.
 */
const declarationFiles = new Map<string, ts.SourceFile>();
const DECLARATION = /\.d\.[cm]?ts$/;

function sharedHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
    if (!DECLARATION.test(fileName) || shouldCreateNewSourceFile) return parse(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
    // A file's parse depends on its language version and its module format (ESM or CJS by
    // the nearest package.json), so both are in the key.
    const settings = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const key = `${settings.languageVersion}:${settings.impliedNodeFormat ?? '-'}:${fileName}`;
    const cached = declarationFiles.get(key);
    if (cached) return cached;
    const parsed = parse(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
    if (parsed) declarationFiles.set(key, parsed);
    return parsed;
  };
  return host;
}

export interface TypeCheckRequest {
  /** The consumer's files; every one of them is fully checked. */
  readonly roots: readonly string[];
  readonly options: ts.CompilerOptions;
  /** Declaration files under these directories are fully checked too (the package under test). */
  readonly checkedDirs?: readonly string[];
  /** Text to compile instead of a root file's contents on disk (by file name). */
  readonly readFile?: (fileName: string, onDisk: string | undefined) => string | undefined;
  /** A previous program of the same options, whose unchanged files are reused. */
  readonly oldProgram?: ts.Program;
}

export interface TypeCheckResult {
  readonly program: ts.Program;
  /** Every diagnostic as one line: "file: message" (file empty for global ones). */
  readonly problems: string[];
  /** The files that were fully checked (for a test to see that the package under test is among them). */
  readonly checkedFiles: string[];
}

export function typeCheck(request: TypeCheckRequest): TypeCheckResult {
  const host = sharedHost(request.options);
  const { readFile } = request;
  if (readFile) {
    const onDisk = host.readFile.bind(host);
    host.readFile = (fileName) => readFile(fileName, onDisk(fileName));
  }
  const program = ts.createProgram(request.roots, request.options, host, request.oldProgram);
  const roots = new Set(request.roots.flatMap((root) => [root, realpathSync(root)]));
  const dirs = (request.checkedDirs ?? []).map((dir) => `${realpathSync(dir)}/`);
  const checked = program.getSourceFiles().filter((file) => roots.has(file.fileName) || dirs.some((dir) => file.fileName.startsWith(dir)));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...checked.flatMap((file) => program.getSemanticDiagnostics(file)),
  ];
  const problems = diagnostics.map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  return { program, problems, checkedFiles: checked.map((file) => file.fileName) };
}
