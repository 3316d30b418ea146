import { existsSync } from 'node:fs';
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

/**
 * Finds an executable on PATH or in the repository's .tools/ folder, where the setup
 * script builds toxiproxy-server. Throws, naming the setup command, when it is missing.
 */
export function findTool(name: string): string {
  const dirs = [join(REPO_ROOT, '.tools'), ...(process.env['PATH'] ?? '').split(delimiter)];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} was not found on PATH or in .tools/; run "npm run setup" first`);
}
