/**
 * A node's client is not connected (for ioredis: status `reconnecting`, `close` or
 * `end`), so the command is not sent: a queued command would stall the attempt instead
 * of failing fast.
 */
export class NodeUnavailableError extends Error {
  override readonly name = 'NodeUnavailableError';

  constructor(
    readonly node: number,
    readonly address: string,
    readonly status: string,
  ) {
    super(`node ${node} (${address}) is not connected (client status "${status}")`);
  }
}
