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
      const child = fork(entry.script, [], { execArgv: [...entry.execArgv], env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      track(child);
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-2000);
      });
      let done = false;
      child.on('message', (message: FromWorker) => {
        if (message.type === 'error') errors.push(`worker ${config.workerId}: ${message.message}`);
        else if (message.type === 'done') done = true;
        else if (message.type === 'hold') onHold?.(message.report);
      });
      child.on('exit', (code, signal) => {
        if (code !== 0 && code !== null) errors.push(`worker ${config.workerId} exited with code ${code}: ${stderr.trim()}`);
        else if (signal !== null && !state.killing) errors.push(`worker ${config.workerId} (pid ${child.pid ?? '?'}) died of ${signal} before its run ended`);
        else if (code === 0 && !done) errors.push(`worker ${config.workerId} (pid ${child.pid ?? '?'}) exited before it finished its run`);
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
  }

  /** Harness problems seen so far (worker crashes, workers that had to be killed). */
  get problems(): readonly string[] {
    return this.errors;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
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
