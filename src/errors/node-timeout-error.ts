/**
 * A node did not answer within `nodeTimeoutMs`. The command may still have been
 * applied (only its reply was lost), so Redlock releases on that node too.
 */
export class NodeTimeoutError extends Error {
  override readonly name = 'NodeTimeoutError';

  constructor(
    readonly node: number,
    readonly address: string,
    readonly timeoutMs: number,
  ) {
    super(`node ${node} (${address}) did not answer within nodeTimeoutMs = ${timeoutMs} ms`);
  }
}
