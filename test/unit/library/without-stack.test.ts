import { describe, expect, it } from 'vitest';
import { ResourceLockedError } from '../../../src/index.js';
import { withoutStack } from '../../../src/errors/without-stack.js';
import { judgeAcquire, judgeExtend } from '../../../src/judges.js';
import { singleKeyAcquire } from '../../../src/single-key-acquire.js';
import type { Node } from '../../../src/node.js';

const node = { index: 2, address: '127.0.0.1:7002' } as Node;

describe('vote errors are made without a stack', () => {
  it('a refusal, of either acquire and of an extend, is a full error with its fields but no frames', () => {
    const refusals = [judgeAcquire(['a', 'b'])([0, 2], node), singleKeyAcquire('a', 'v', 1000).judge(null, node), judgeExtend(['a'])(0, node)];
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(ResourceLockedError);
      expect((refusal as ResourceLockedError).node).toBe(2);
      expect((refusal as Error).stack).toMatch(/^(ResourceLockedError|LockNotHeldError): The operation was applied to: 0 of the [12] requested resources\.$/);
    }
    expect((refusals[0] as ResourceLockedError).resource).toBe('b');
  });

  it('puts the stack limit back, also when making the error throws', () => {
    const before = Error.stackTraceLimit;
    expect(() =>
      withoutStack(() => {
        throw new RangeError('made nothing');
      }),
    ).toThrow(RangeError);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('after').stack).toMatch(/\n\s+at /);
  });
});
