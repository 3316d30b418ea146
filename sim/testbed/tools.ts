import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs from source or from dist/. */
export const REPO_ROOT = findRepoRoot();

function findRepoRoot(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

/** The server tools the testbed runs, with the least version each must have. */
export type ToolName = 'redis-server' | 'redis-cli' | 'toxiproxy-server';

/**
 * Least versions, [major, minor, patch]. redis-server 7: the testbed relies on Redis 7
 * (multi-section INFO, the lock scripts' commands, CONFIG SET of several values).
 * toxiproxy-server 2.12.0: the release the setup script builds and the lab was checked on.
 * sim/testbed/setup.sh enforces the same two numbers.
 */
export const TOOL_VERSION_MIN: Readonly<Record<ToolName, readonly [number, number, number]>> = {
  'redis-server': [7, 0, 0],
  // Joins test Redis Clusters (--cluster create), shipped with redis-server.
  'redis-cli': [7, 0, 0],
  'toxiproxy-server': [2, 12, 0],
};

/** Longest a `--version` call may take. */
const VERSION_CALL_TIMEOUT_MS = 10_000;

/** A tool is on neither .tools/ nor PATH. */
export class MissingToolError extends Error {
  override readonly name = 'MissingToolError';
  constructor(readonly tool: string) {
    super(`${tool} was not found in .tools/ or on PATH; run "npm run setup" first`);
  }
}

/** The tool found first is older than TOOL_VERSION_MIN, or its version cannot be read. */
export class ToolVersionError extends Error {
  override readonly name = 'ToolVersionError';
  constructor(
    readonly tool: string,
    readonly path: string,
    /** The version found, e.g. "6.2.7", or undefined when it could not be read. */
    readonly version: string | undefined,
  ) {
    const wanted = TOOL_VERSION_MIN[tool as ToolName]?.join('.') ?? '?';
    super(
      `${path} is ${tool} ${version ?? 'of an unknown version'}, but ${wanted} or later is needed; ` +
        `${tool === 'toxiproxy-server' ? 'remove it and run "npm run setup" to build 2.12.0 into .tools/' : 'install a newer one (or put it first in .tools/)'}`,
    );
  }
}

/**
 * Where tools are looked up, in order: the repository's .tools/ folder (where the setup
 * script builds toxiproxy-server, so its pinned build wins over an older one on PATH),
 * then PATH. sim/testbed/setup.sh looks in the same order.
 */
export function toolDirs(): string[] {
  return [join(REPO_ROOT, '.tools'), ...(process.env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '')];
}

const checked = new Map<string, string>();

/**
 * The first `name` in toolDirs(), once its version is known to be at least
 * TOOL_VERSION_MIN (checked once per process). Throws MissingToolError or
 * ToolVersionError, each naming what to do.
 */
export function findTool(name: ToolName): string {
  const known = checked.get(name);
  if (known !== undefined) return known;
  const path = findToolIn(name, toolDirs());
  checked.set(name, path);
  return path;
}

/** findTool without the cache, looking in `dirs` in order: the first one found must be recent enough. */
export function findToolIn(name: ToolName, dirs: readonly string[]): string {
  const path = dirs.map((dir) => join(dir, name)).find((candidate) => existsSync(candidate));
  if (path === undefined) throw new MissingToolError(name);
  const version = toolVersion(name, path);
  if (version === undefined || compareVersions(version, TOOL_VERSION_MIN[name]) < 0) {
    throw new ToolVersionError(name, path, version?.join('.'));
  }
  return path;
}

/** The version of the tool at `path`, or undefined when it cannot be read. */
export function toolVersion(name: ToolName, path: string): [number, number, number] | undefined {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: VERSION_CALL_TIMEOUT_MS });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  // "Redis server v=7.0.15 sha=...", "redis-cli 7.0.15" and "toxiproxy-server version 2.12.0".
  const pattern = name === 'redis-server' ? /\bv=(\d+)\.(\d+)\.(\d+)/ : name === 'redis-cli' ? /^redis-cli (\d+)\.(\d+)\.(\d+)/ : /version v?(\d+)\.(\d+)\.(\d+)/;
  const printed = parseVersion(pattern.exec(text));
  if (printed !== undefined || name !== 'toxiproxy-server') return printed;
  // A toxiproxy-server built with plain `go install` prints "version git"; Go records the
  // module version it was built from in the binary itself.
  try {
    return parseVersion(/mod\tgithub\.com\/Shopify\/toxiproxy\/v2\tv(\d+)\.(\d+)\.(\d+)/.exec(readFileSync(path, 'latin1')));
  } catch {
    return undefined;
  }
}

function parseVersion(match: RegExpExecArray | null): [number, number, number] | undefined {
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
