import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../testbed/tools.js';

/** How to fork a worker: the script and the Node flags it needs. */
export interface WorkerEntry {
  readonly script: string;
  readonly execArgv: readonly string[];
}

let cached: Promise<WorkerEntry> | undefined;

/**
 * Finds the worker script. From the built CLI it is dist/sim-worker.js beside the CLI.
 * From source (tests, tsx) the worker is bundled once per process with esbuild into
 * node_modules/.cache, so each fork is plain JavaScript and starts in tens of ms instead
 * of paying tsx's compile on every fork (a catalog forks hundreds of workers on 2 cores).
 * Without esbuild it falls back to `--import tsx`.
 */
export function workerEntry(): Promise<WorkerEntry> {
  cached ??= resolveEntry();
  return cached;
}

async function resolveEntry(): Promise<WorkerEntry> {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) {
    const built = fileURLToPath(new URL('./sim-worker.js', import.meta.url));
    if (existsSync(built)) return { script: built, execArgv: [] };
  }
  const source = join(REPO_ROOT, 'sim', 'workload', 'worker.ts');
  try {
    const esbuild = await import('esbuild');
    const outDir = join(REPO_ROOT, 'node_modules', '.cache', 'redquorum');
    mkdirSync(outDir, { recursive: true });
    const outfile = join(outDir, `sim-worker-${process.pid}.mjs`);
    await esbuild.build({
      entryPoints: [source],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // npm packages resolve from the repository's node_modules, a parent of outDir.
      packages: 'external',
      logLevel: 'silent',
    });
    process.once('exit', () => rmSync(outfile, { force: true }));
    return { script: outfile, execArgv: [] };
  } catch {
    return { script: source, execArgv: ['--import', 'tsx'] };
  }
}
