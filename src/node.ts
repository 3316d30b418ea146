import { NodeTimeoutError } from './errors/node-timeout-error.js';
import { NodeUnavailableError } from './errors/node-unavailable-error.js';
import { SCRIPTS, type Script } from './scripts.js';
import type { Client } from './types.js';

// ioredis states in which a command would wait in the offline queue for a reconnect
// that may never come; such a node votes against at once instead.
const DOWN_STATUSES = new Set(['reconnecting', 'close', 'end']);

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: string[]) => Promise<unknown>;

/** One master: its client, its position among the clients, and how to name it. */
export class Node {
  readonly address: string;

  constructor(
    readonly index: number,
    readonly client: Client,
  ) {
    this.address = addressOf(client);
    for (const script of SCRIPTS) {
      // Idempotent: redefining a command with the same script changes nothing.
      client.defineCommand(script.name, { lua: script.lua });
    }
  }

  /**
   * Runs a script with a deadline. Rejects with NodeTimeoutError after `timeoutMs`
   * (the command may still be applied later), with NodeUnavailableError when the
   * client is not connected, or with the error ioredis gave.
   */
  run(script: Script, keys: readonly string[], args: readonly string[], timeoutMs: number): Promise<unknown> {
    const status = (this.client as { status?: string }).status ?? 'ready';
    if (DOWN_STATUSES.has(status)) return Promise.reject(new NodeUnavailableError(this.index, this.address, status));
    const command = (this.client as unknown as Record<string, ScriptCommand>)[script.name];
    if (typeof command !== 'function') {
      return Promise.reject(new Error(`node ${this.index} (${this.address}): the client has no "${script.name}" command`));
    }
    const reply = command.call(this.client, keys.length, ...keys, ...args);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new NodeTimeoutError(this.index, this.address, timeoutMs)), timeoutMs);
      reply.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

function addressOf(client: Client): string {
  const options = (client as { options?: { host?: string; port?: number; path?: string } }).options;
  if (options?.path) return options.path;
  if (options?.host !== undefined || options?.port !== undefined) return `${options.host ?? 'localhost'}:${options.port ?? 6379}`;
  return 'cluster';
}
