import { NodeUnavailableError } from './errors/node-unavailable-error.js';
import { SCRIPTS, type Script } from './scripts.js';
import type { Client } from './types.js';

// ioredis states in which a command would wait in the offline queue for a reconnect
// that may never come; such a node votes against at once instead.
const DOWN_STATUSES = new Set(['reconnecting', 'close', 'end']);

export type Reply = (error: Error | null, reply?: unknown) => void;

interface ScriptRunner {
  [name: string]: (...args: unknown[]) => unknown;
}

interface Batch {
  [name: string]: (...args: unknown[]) => unknown;
  exec(): Promise<unknown>;
}

/**
 * One master: its client, its position among the clients, and how to name it.
 *
 * Commands sent in the same tick after the first go to the server as one pipeline (one
 * write, one read), which is what lets many concurrent lockers share a connection
 * cheaply, while a lone command pays no pipeline overhead. A
 * client that auto-pipelines already, and a Cluster client (whose pipelines must not
 * cross slots), get each command directly.
 */
export class Node {
  readonly address: string;
  private readonly batching: boolean;
  private batch: Batch | undefined;
  private busyThisTick = false;

  constructor(
    readonly index: number,
    readonly client: Client,
  ) {
    this.address = addressOf(client);
    const options = (client as { options?: { enableAutoPipelining?: boolean } }).options;
    this.batching = (client as { isCluster?: boolean }).isCluster !== true && options?.enableAutoPipelining !== true;
    for (const script of SCRIPTS) {
      // Idempotent: redefining a command with the same script changes nothing.
      client.defineCommand(script.name, { lua: script.lua });
    }
  }

  /**
   * Runs a script and calls `done` once with its reply or error. A client that is not
   * connected gets nothing sent and answers NodeUnavailableError at once. ioredis's
   * `defineCommand` sends EVALSHA and falls back to EVAL when the script is not cached.
   */
  run(script: Script, keys: readonly string[], args: readonly string[], done: Reply): void {
    const status = (this.client as { status?: string }).status ?? 'ready';
    if (DOWN_STATUSES.has(status)) {
      done(new NodeUnavailableError(this.index, this.address, status));
      return;
    }
    // The first command of a tick goes straight out; the ones that follow it in the same
    // tick share one pipeline, written after it, so their order on the wire is kept.
    if (!this.batching || !this.busyThisTick) {
      if (this.batching) {
        this.busyThisTick = true;
        process.nextTick(this.flush);
      }
      const command = (this.client as unknown as ScriptRunner)[script.name];
      if (typeof command !== 'function') {
        done(new Error(`node ${this.index} (${this.address}): the client has no "${script.name}" command`));
        return;
      }
      (command.call(this.client, keys.length, ...keys, ...args) as Promise<unknown>).then(
        (reply) => done(null, reply),
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
      return;
    }
    this.batch ??= (this.client as unknown as { pipeline(): Batch }).pipeline();
    const command = this.batch[script.name];
    if (typeof command !== 'function') {
      done(new Error(`node ${this.index} (${this.address}): the client has no "${script.name}" command`));
      return;
    }
    command.call(this.batch, keys.length, ...keys, ...args, (error: Error | null, reply: unknown) => done(error, reply));
  }

  private readonly flush = (): void => {
    const batch = this.batch;
    this.batch = undefined;
    this.busyThisTick = false;
    // Every command's error reaches its own callback; exec's rejection repeats the first.
    batch?.exec().catch(() => undefined);
  };
}

function addressOf(client: Client): string {
  const options = (client as { options?: { host?: string; port?: number; path?: string } }).options;
  if (options?.path) return options.path;
  if (options?.host !== undefined || options?.port !== undefined) return `${options.host ?? 'localhost'}:${options.port ?? 6379}`;
  return 'cluster';
}
