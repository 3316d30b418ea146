import { existsSync, readFileSync } from 'node:fs';

const POLL_MS = 2;
/** Signal delivery takes microseconds; this bound only guards against a wedged /proc. */
const SETTLE_MS_MAX = 500;

/**
 * Waits until process `pid` is stopped (SIGSTOP delivered) or running again (SIGCONT), so
 * that a fault's start/stop event is stamped when the fault is really in effect. Signals
 * are asynchronous: kill() returns before the target has stopped. Linux only (/proc);
 * elsewhere, and for a process that has exited, it returns at once.
 */
export async function settleStopped(pid: number, stopped: boolean): Promise<void> {
  const path = `/proc/${pid}/stat`;
  const deadline = performance.now() + SETTLE_MS_MAX;
  while (performance.now() < deadline) {
    if (!existsSync(path)) return;
    let stat: string;
    try {
      stat = readFileSync(path, 'utf8');
    } catch {
      return; // the process exited between the check and the read
    }
    // "pid (comm) S ...": the state letter follows the last ')'; T = stopped by a signal.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if ((state === 'T') === stopped) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`process ${pid} did not ${stopped ? 'stop' : 'continue'} within ${SETTLE_MS_MAX} ms`);
}
