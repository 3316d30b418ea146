/**
 * A node refused an acquire because another lock holds one of the resources. The
 * message is node-redlock v5's exact text; which resource, on which node, is in the fields.
 */
export class ResourceLockedError extends Error {
  override readonly name: string = 'ResourceLockedError';
  /** The first requested resource the node found held by another lock, when known. */
  readonly resource: string | undefined;
  /** The node's position among the clients, when known. */
  readonly node: number | undefined;
  /** host:port of the node, when known. */
  readonly address: string | undefined;

  constructor(message: string, details: { resource?: string; node?: number; address?: string } = {}, options?: ErrorOptions) {
    super(message, options);
    this.resource = details.resource;
    this.node = details.node;
    this.address = details.address;
  }
}

/** node-redlock v5's message: how many of the requested resources the node changed. */
export function appliedToMessage(applied: number, requested: number): string {
  return `The operation was applied to: ${applied} of the ${requested} requested resources.`;
}
