import { describe, expect, it } from 'vitest';
import { describeCauseChain } from '../../../sim/cause-chain.js';

describe('describeCauseChain', () => {
  it('prints an error and its causes on one line, outermost first', () => {
    const missing = new Error('toxiproxy-server was not found on PATH or in .tools/; run "npm run setup" first');
    const error = new Error('the lab could not start its testbed', { cause: missing });
    expect(describeCauseChain(error)).toBe('the lab could not start its testbed: toxiproxy-server was not found on PATH or in .tools/; run "npm run setup" first');
  });

  it('keeps meaningful names, lists the errors of an AggregateError, and puts newlines on one line', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { name: 'ConnectionError' });
    const error = new RangeError('bad\nthing', { cause: new AggregateError([refused], 'all nodes failed') });
    expect(describeCauseChain(error)).toBe('RangeError: bad thing: AggregateError: all nodes failed (ConnectionError: connect ECONNREFUSED 127.0.0.1:1)');
  });

  it('does not repeat a cause the outer message already says, and stops on a loop', () => {
    const inner = new Error('port 6379 is busy');
    const outer = new Error('redis-server failed: port 6379 is busy', { cause: inner });
    expect(describeCauseChain(outer)).toBe('redis-server failed: port 6379 is busy');
    const loop = new Error('a');
    (loop as { cause?: unknown }).cause = loop;
    expect(describeCauseChain(loop)).toBe('a');
    expect(describeCauseChain('plain')).toBe('plain');
  });
});
