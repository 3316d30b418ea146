import { fork, type ChildProcess } from 'node:child_process';
import { killAndWait, track } from '../testbed/child-processes.js';
import type { FromWorker, HoldReport, ToWorker, WorkerConfig } from '../workload/worker-config.js';
import { workerEntry } from './worker-entry.js';

/** A forked worker as the nemeses see it. */
export interface WorkerHandle {
  readonly pid: number;
  readonly group: number;
  readonly workerId: number;
}

// Bounds of the pool's waits: a worker that does not connect or does not stop in time is
// a harness failure, reported, not waited for forever.
const READY_TIMEOUT_MS = 20_000;
const STOP_EXTRA_MS = 5_000;

/** The worker processes of one scenario run. */
export class WorkerPool {
  private constructor(
    private readonly children: readonly ChildProcess[],
    readonly handles: readonly WorkerHandle[],
    private readonly errors: string[],
    // Whether the pool itself is killing the workers (after their run, or on a harness failure).
    private readonly state: { killing: boolean },
  ) {}

  /**
   * Forks one process per config, sends each its config and waits until all are ready.
   * `onHold` gets the hold reports of `reportsHolds` workers as they come. A worker that
   * dies by any signal, or exits before it reported `done`, is a harness problem: its
   * history ends mid-run, and the run cannot say what it would have shown.
   */
  static async start(configs: readonly WorkerConfig[], env: NodeJS.ProcessEnv = process.env, onHold?: (report: HoldReport) => void): Promise<WorkerPool> {
    const entry = await workerEntry();
    const children: ChildProcess[] = [];
    const errors: string[] = [];
    const ready: Promise<void>[] = [];
    const state = { killing: false };
    for (const config of configs) {
      const child = (env === process.env ? takeSpare() : undefined) ?? forkWorker(entry, env);
      children.push(child);
      const stderrOf = (): string => stderrTails.get(child) ?? '';
      let done = false;
      child.on('message', (message: FromWorker) => {
        if (message.type === 'error') errors.push(`worker ${config.workerId}: ${message.message}`);
        else if (message.type === 'done') done = true;
        else if (message.type === 'hold') onHold?.(message.report);
      });
      child.on('exit', (code, signal) => {
        if (code !== 0 && code !== null) errors.push(`worker ${config.workerId} exited with code ${code}: ${stderrOf().trim()}`);
        else if (signal !== null && !state.killing) errors.push(`worker ${config.workerId} (pid ${child.pid ?? '?'}) died of ${signal} before its run ended`);
        else if (code === 0) {
          // 'exit' can come before the last IPC messages are read: judge `done` once the channel has closed.
          const judgeDone = (): void => {
            if (!done) errors.push(`worker ${config.workerId} (pid ${child.pid ?? '?'}) exited before it finished its run`);
          };
          if (child.connected) child.once('disconnect', judgeDone);
          else setImmediate(judgeDone);
        }
      });
      ready.push(waitForReady(child, config.workerId));
      child.send({ type: 'config', config } satisfies ToWorker);
    }
    const pool = new WorkerPool(
      children,
      configs.map((config, index) => ({ pid: children[index]?.pid ?? -1, group: config.group, workerId: config.workerId })),
      errors,
      state,
    );
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.kill();
      throw error;
    }
    return pool;
  }

  /**
   * Forks `count` idle workers for the next pool (each waits for its config), so the next
   * scenario does not wait for processes to start and load: call it once this pool's
   * workers are gone, and the forks overlap the checkers. Spares that are not taken exit
   * on their own (see sim/workload/worker.ts) or with `releaseSpares`.
   */
  static async prepareSpares(count: number): Promise<void> {
    const entry = await workerEntry();
    while (spares.filter(isIdle).length < Math.min(count, SPARES_MAX)) spares.push(forkWorker(entry, process.env));
  }

  /** Kills every spare worker not taken (the end of a catalog). */
  static async releaseSpares(): Promise<void> {
    const all = spares.splice(0);
    await Promise.all(all.map((child) => killAndWait(child, 'SIGKILL')));
  }

  /** Starts every worker's run at once. */
  go(): void {
    for (const child of this.children) if (child.connected) child.send({ type: 'go' } satisfies ToWorker);
  }

  /** Asks every worker to finish its current operation and stop (the run has its evidence). */
  stop(): void {
    for (const child of this.children) if (child.connected) child.send({ type: 'stop' } satisfies ToWorker);
  }

  /**
   * Waits until every worker has exited on its own (it knows its deadline), at most
   * `timeoutMs`; then continues any paused one and kills what is left.
   */
  async waitForExit(timeoutMs: number): Promise<void> {
    const exits = this.children.map((child) => exited(child));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs + STOP_EXTRA_MS);
    });
    await Promise.race([Promise.all(exits), timeout]);
    clearTimeout(timer);
    const late = this.children.filter((child) => child.exitCode === null && child.signalCode === null);
    if (late.length > 0) this.errors.push(`${late.length} worker(s) did not stop by their deadline and were killed`);
    await this.kill();
  }

  /** Kills every worker still alive (SIGKILL also ends a SIGSTOPped one). */
  async kill(): Promise<void> {
    this.state.killing = true;
    await Promise.all(this.children.map((child) => killAndWait(child, 'SIGKILL')));
    await Promise.all(this.children.map((child) => exited(child)));
  }

  /** Harness problems seen so far (worker crashes, workers that had to be killed). */
  get problems(): readonly string[] {
    return this.errors;
  }
}

// How long an exited worker's IPC channel may take to deliver its last messages and close.
const CHANNEL_CLOSE_MAX_MS = 1_000;
// Spares kept at most: a catalog's largest pool (the worker count of its rows).
const SPARES_MAX = 64;
// Idle forked workers for the next pool, and the tail of every worker's stderr.
const spares: ChildProcess[] = [];
const stderrTails = new WeakMap<ChildProcess, string>();

function forkWorker(entry: { readonly script: string; readonly execArgv: readonly string[] }, env: NodeJS.ProcessEnv): ChildProcess {
  const child = fork(entry.script, [], { execArgv: [...entry.execArgv], env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  track(child);
  stderrTails.set(child, '');
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTails.set(child, ((stderrTails.get(child) ?? '') + chunk.toString()).slice(-2000));
  });
  return child;
}

function isIdle(child: ChildProcess): boolean {
  return child.connected && child.exitCode === null && child.signalCode === null;
}

/** An idle spare, or undefined; spares that have exited are dropped. */
function takeSpare(): ChildProcess | undefined {
  while (spares.length > 0) {
    const child = spares.shift() as ChildProcess;
    if (isIdle(child)) return child;
  }
  return undefined;
}

/** Resolves once the child has exited and its IPC channel has closed (its last messages read). */
async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) {
    // Bounded: a channel that never reports its close must not hold the run.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CHANNEL_CLOSE_MAX_MS);
      child.once('disconnect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function waitForReady(child: ChildProcess, workerId: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${workerId} was not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    child.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${workerId} exited with code ${String(code)} before it was ready`));
    });
  });
}
