import { ResourceLockedError } from './errors/resource-locked-error.js';
import type { ExecutionFailure } from './errors/execution-error.js';
import type { NodeOutcome } from './types.js';

/** Tells a held lock from unreachable servers, from the refusals of one attempt. */
export function failureReason(outcomes: Iterable<NodeOutcome>): ExecutionFailure {
  let locked = 0;
  let other = 0;
  for (const outcome of outcomes) {
    if (outcome.vote === 'for') continue;
    if (outcome.error instanceof ResourceLockedError) locked += 1;
    else other += 1;
  }
  if (other === 0 && locked > 0) return 'locked';
  if (locked === 0) return 'unavailable';
  return 'mixed';
}
