import { describe, expect, it } from 'vitest';
import { ExecutionError } from '../../../src/errors/execution-error.js';
import { withRetries, type AttemptResult } from '../../../src/retry.js';
import type { ExecutionStats } from '../../../src/types.js';

const STATS = Promise.resolve({ membershipSize: 1, quorumSize: 1, votesFor: new Set(), votesAgainst: new Map() } as unknown as ExecutionStats);

/** A plan whose attempts answer `results` in turn; records the waits. */
function plan<T>(results: AttemptResult<T>[], attemptsMax: number, stopAfterWaits = Number.POSITIVE_INFINITY) {
  let nowMs = 0;
  const waits: number[] = [];
  return {
    waits,
    run: () =>
      withRetries<T>({
        operation: 'acquire',
        resources: ['r'],
        attemptsMax,
        clock: () => nowMs,
        attempt: async (attempt, startMs, log) => {
          log.push(STATS);
          nowMs += 10;
          expect(startMs).toBe((attempt - 1) * 15);
          return results[attempt - 1]!;
        },
        waitToRetry: async (attemptStartMs) => {
          waits.push(attemptStartMs);
          nowMs += 5;
          return waits.length > stopAfterWaits ? 'expired' : undefined;
        },
      }),
  };
}

const locked: AttemptResult<string> = { ok: false, reason: 'locked', outcomes: [] };

describe('withRetries', () => {
  it('retries until an attempt succeeds, waiting after each failed one', async () => {
    const p = plan([locked, locked, { ok: true, value: 'lock' }], 5);
    expect(await p.run()).toBe('lock');
    expect(p.waits).toEqual([0, 15]);
  });

  it('stops after attemptsMax attempts with one ExecutionError carrying every attempt', async () => {
    const p = plan([locked, locked, locked], 3);
    const error = (await p.run().catch((e: unknown) => e)) as ExecutionError;
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error.message).toBe('The operation was unable to achieve a quorum during its retry window.');
    expect([error.reason, error.attemptCount, error.attempts.length, p.waits.length]).toEqual(['locked', 3, 3, 2]);
  });

  it('stops at once on a final result, and when the wait says no retry can matter', async () => {
    const final = plan([{ ok: false, reason: 'lost', outcomes: [], final: true }], 10);
    expect(((await final.run().catch((e: unknown) => e)) as ExecutionError).reason).toBe('lost');
    expect(final.waits).toEqual([]);
    const expired = plan([locked, locked, locked], 10, 1);
    const error = (await expired.run().catch((e: unknown) => e)) as ExecutionError;
    expect([error.reason, error.attemptCount]).toEqual(['expired', 2]);
  });
});
