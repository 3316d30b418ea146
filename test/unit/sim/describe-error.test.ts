import { describe, expect, it } from 'vitest';
import { ExecutionError, NodeTimeoutError, ResourceLockedError } from '../../../src/index.js';
import type { NodeOutcome } from '../../../src/index.js';
import { describeError } from '../../../sim/workload/describe-error.js';

const against = (node: number, error: Error): NodeOutcome => ({ node, address: `127.0.0.1:${7000 + node}`, vote: 'against', error, latencyMs: 1 });
const voteFor = (node: number): NodeOutcome => ({ node, address: `127.0.0.1:${7000 + node}`, vote: 'for', latencyMs: 1 });

describe('how a failed operation is labelled in the history', () => {
  it("an ExecutionError says its reason, attempts and every node's refusal, not only v5's short message", () => {
    const error = new ExecutionError('The operation was unable to achieve a quorum during its retry window.', [], {
      operation: 'acquire',
      resources: ['r0'],
      reason: 'mixed',
      attemptCount: 2,
      lastAttempt: [voteFor(0), voteFor(1), against(2, new NodeTimeoutError(2, '127.0.0.1:7002', 100)), against(3, new ResourceLockedError('held')), against(4, new ResourceLockedError('held'))],
    });
    const text = describeError(error);
    expect(text.startsWith('ExecutionError(mixed): ')).toBe(true);
    expect(text).toContain('2 attempt(s)');
    expect(text).toContain('node 2 (127.0.0.1:7002)');
    expect(text).toContain('node 3 (127.0.0.1:7003): ResourceLockedError');
  });

  it('the validity reason stays readable where the evidence rules look for it', () => {
    const error = new ExecutionError('no quorum', [], { operation: 'acquire', resources: ['r0'], reason: 'validity', attemptCount: 1, lastAttempt: [voteFor(0)] });
    expect(describeError(error)).toMatch(/\(validity\)/);
  });

  it('another error keeps its cause chain, and the text is bounded', () => {
    expect(describeError(new Error('write failed', { cause: new Error('socket hang up') }))).toBe('Error: write failed: socket hang up');
    expect(describeError(new Error('x'.repeat(5000))).length).toBeLessThanOrEqual(600);
    expect(describeError('plain')).toBe('plain');
  });
});
