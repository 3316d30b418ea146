import { ResourceLockedError } from './resource-locked-error.js';

/**
 * A node no longer holds the lock to extend (its key expired, was released, or belongs
 * to another holder now). A subclass of ResourceLockedError because node-redlock v5
 * reported this case with that class and v5 code may test for it.
 */
export class LockNotHeldError extends ResourceLockedError {
  override readonly name: string = 'LockNotHeldError';
}
