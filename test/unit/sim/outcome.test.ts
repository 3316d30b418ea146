import { describe, expect, it } from 'vitest';
import { ExecutionError, NodeTimeoutError, ResourceLockedError } from '../../../src/index.js';
import type { NodeOutcome } from '../../../src/index.js';
import { outcomeOf, QuorumRefusedError, unreachableOf } from '../../../sim/workload/client-variants.js';

function failed(outcomes: NodeOutcome[]): ExecutionError {
  return new ExecutionError('no quorum', [], { operation: 'acquire', resources: ['r0'], reason: 'mixed', attemptCount: 1, lastAttempt: outcomes });
}
const against = (node: number, error: Error): NodeOutcome => ({ node, address: `127.0.0.1:${node}`, vote: 'against', error, latencyMs: 1 });
const voteFor = (node: number): NodeOutcome => ({ node, address: `127.0.0.1:${node}`, vote: 'for', latencyMs: 1 });

// Issue finding 7: timeouts came back as ExecutionError and were logged as fail: 0 info
// operations in every history.
describe('how a failed acquire or release is recorded', () => {
  it('is info when a node timed out: its command may have been applied, only the reply lost', () => {
    const error = failed([voteFor(0), voteFor(1), against(2, new NodeTimeoutError(2, '127.0.0.1:2', 100)), against(3, new ResourceLockedError('held')), against(4, new ResourceLockedError('held'))]);
    expect(outcomeOf(error)).toBe('info');
    expect(unreachableOf(error)).toEqual([2]);
  });

  it('is fail when every node answered and too few agreed', () => {
    const error = failed([voteFor(0), against(1, new ResourceLockedError('held')), against(2, new ResourceLockedError('held')), voteFor(3), against(4, new ResourceLockedError('held'))]);
    expect(outcomeOf(error)).toBe('fail');
    expect(unreachableOf(error)).toEqual([]);
    expect(outcomeOf(new QuorumRefusedError('2 of 5 nodes agreed, 3 needed'))).toBe('fail');
  });

  it('is info for any error that is not the library\'s answer', () => {
    expect(outcomeOf(new Error('socket hang up'))).toBe('info');
    expect(outcomeOf('weird')).toBe('info');
  });
});
