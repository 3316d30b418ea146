import type { NodeClient, Reply } from './clients/node-client.js';
import { NodeUnavailableError } from './errors/node-unavailable-error.js';
import { withoutStack } from './errors/without-stack.js';
import type { Script } from './scripts.js';
import type { Client } from './types.js';

export type { Reply } from './clients/node-client.js';

/** One master: its driver, its position among the clients, and the caller's own client object. */
export class Node {
  constructor(
    readonly index: number,
    /** The object the caller gave (v5's votesFor / votesAgainst are keyed by it). */
    readonly client: Client,
    readonly driver: NodeClient,
  ) {}

  get address(): string {
    return this.driver.address;
  }

  /**
   * Runs a script and calls `done` once with its reply or error. A client that is not
   * connected gets nothing sent and answers NodeUnavailableError at once.
   */
  run(script: Script, keys: readonly string[], args: readonly string[], done: Reply): void {
    if (!this.driver.ready) {
      done(withoutStack(() => new NodeUnavailableError(this.index, this.address, statusOf(this.driver))));
      return;
    }
    this.send(script, keys, args, done);
  }

  /** Sends even when the client is not connected: it queues, or fails by itself. */
  send(script: Script, keys: readonly string[], args: readonly string[], done: Reply): void {
    try {
      this.driver.runScript(script, keys, args, done);
    } catch (error) {
      // A driver that throws instead of calling back still gives exactly one answer.
      done(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function statusOf(driver: NodeClient): string {
  const status = (driver as { status?: unknown }).status;
  return typeof status === 'string' ? status : 'not ready';
}
