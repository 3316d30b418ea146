import { describe, expect, it } from 'vitest';
import { runChecker } from '../../../sim/checker/index.js';
import type { KnownCheckResult } from '../../../sim/checker/index.js';

describe('runChecker', () => {
  it('passes a result through unchanged', () => {
    const result = runChecker('x', () => ({ name: 'x', valid: false, summary: 's', details: { n: 1 } }));
    expect(result).toEqual({ name: 'x', valid: false, summary: 's', details: { n: 1 } });
  });

  it('turns a crashing checker into unknown with its message, never a pass', () => {
    const result = runChecker('crashy', (): KnownCheckResult<null> => {
      throw new TypeError('cannot read foo of undefined');
    });
    expect(result.valid).toBe('unknown');
    expect(result.valid).not.toBe(true);
    expect(result.name).toBe('crashy');
    if (result.valid !== 'unknown') throw new Error('expected unknown');
    expect(result.error).toBe('TypeError: cannot read foo of undefined');
  });

  it('turns a thrown non-error and a result without a boolean verdict into unknown', () => {
    const thrown = runChecker('t', (): KnownCheckResult<null> => {
      throw 'boom';
    });
    expect(thrown.valid).toBe('unknown');
    const bogus = runChecker('b', () => ({ name: 'b', valid: 'yes' as unknown as boolean, summary: '', details: null }));
    expect(bogus.valid).toBe('unknown');
    const nothing = runChecker('n', () => undefined as unknown as KnownCheckResult<null>);
    expect(nothing.valid).toBe('unknown');
  });
});
