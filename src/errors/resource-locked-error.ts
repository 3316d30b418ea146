/** A node refused because another holder has the lock on one of the resources. */
export class ResourceLockedError extends Error {
  override readonly name = 'ResourceLockedError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
