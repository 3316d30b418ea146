/** The Redlock was quit(): operations that were waiting to retry, and new ones, end with this. */
export class RedlockClosedError extends Error {
  override readonly name = 'RedlockClosedError';

  constructor() {
    super('the Redlock was quit(): no lock operation can start or retry after quit()');
  }
}
