import { fork, type ChildProcess } from 'node:child_process';
import { killAndWait, track } from '../testbed/child-processes.js';
import type { FromWorker, ToWorker, WorkerConfig } from '../workload/worker-config.js';
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
  ) {}

  /** Forks one process per config, sends each its config and waits until all are ready. */
  static async start(configs: readonly WorkerConfig[], env: NodeJS.ProcessEnv = process.env): Promise<WorkerPool> {
    const entry = await workerEntry();
    const children: ChildProcess[] = [];
    const errors: string[] = [];
    const ready: Promise<void>[] = [];
    for (const config of configs) {
      const child = fork(entry.script, [], { execArgv: [...entry.execArgv], env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      track(child);
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-2000);
      });
      child.on('message', (message: FromWorker) => {
        if (message.type === 'error') errors.push(`worker ${config.workerId}: ${message.message}`);
      });
      child.on('exit', (code, signal) => {
        if (code !== 0 && code !== null) errors.push(`worker ${config.workerId} exited with code ${code}: ${stderr.trim()}`);
        else if (signal !== null && signal !== 'SIGKILL') errors.push(`worker ${config.workerId} died of ${signal}`);
      });
      ready.push(waitForReady(child, config.workerId));
      child.send({ type: 'config', config } satisfies ToWorker);
    }
    const pool = new WorkerPool(
      children,
      configs.map((config, index) => ({ pid: children[index]?.pid ?? -1, group: config.group, workerId: config.workerId })),
      errors,
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
