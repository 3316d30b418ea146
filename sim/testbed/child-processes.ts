import type { ChildProcess } from 'node:child_process';

// Every server the testbed starts is registered here, so that an exit of the Node process
// for any reason (a failed test, Ctrl-C, an uncaught error) still kills it: no orphans.
const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        // A SIGSTOPped server ignores SIGTERM until continued; SIGKILL always lands.
        child.kill('SIGKILL');
      } catch {
        // The process is already gone; there is nothing left to stop.
      }
    }
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Registers a child so that it dies with this process. */
export function track(child: ChildProcess): void {
  installHooks();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Kills a child with SIGKILL and waits until it has exited. */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}
