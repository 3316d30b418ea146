import { operations, sortByTime } from '../history/history.js';
import type { HistoryEvent } from '../history/types.js';
import type { KnownCheckResult } from './check-result.js';

/** An acquisition whose token was not above that of an acquisition completed before it began. */
export interface TokenRegression {
  readonly resource: string;
  readonly lockId: string;
  readonly fence: string;
  readonly invokeMs: number;
  /** The earlier-completed acquisition with the largest token. */
  readonly earlierLockId: string;
  readonly earlierFence: string;
  readonly earlierOkMs: number;
}

export interface TokenOrderDetails {
  /** Successful acquisitions that carried a token. */
  readonly acquisitionCount: number;
  readonly regressionCount: number;
  readonly regressions: readonly TokenRegression[];
}

const MAX_LISTED = 100;

/**
 * The fencing guarantee: if acquisition A of a resource completed (its ok) before
 * acquisition B began (its invoke), A's token is smaller than B's. Equal tokens count
 * as a regression. Acquisitions without a token (unfenced runs, extensions) are not
 * judged. One sweep in time order: at B's invoke, remember the largest token completed
 * so far; at B's ok, compare.
 */
export function checkTokenOrder(history: readonly HistoryEvent[]): KnownCheckResult<TokenOrderDetails> {
  const best = new Map<string, { fence: bigint; lockId: string; okMs: number }>();
  const seenAtInvoke = new Map<string, { fence: bigint; lockId: string; okMs: number } | undefined>();
  const invokeMs = new Map<string, number>();
  const regressions: TokenRegression[] = [];
  let regressionCount = 0;
  let acquisitionCount = 0;
  for (const op of operations(sortByTime(history))) {
    if (op.f !== 'acquire') continue;
    const key = `${op.resource}\u0000${op.lockId}`;
    if (op.type === 'invoke') {
      seenAtInvoke.set(key, best.get(op.resource));
      invokeMs.set(key, op.timeMs);
      continue;
    }
    if (op.type !== 'ok' || op.fence === undefined) continue;
    acquisitionCount += 1;
    const fence = BigInt(op.fence);
    const earlier = seenAtInvoke.get(key);
    if (earlier !== undefined && fence <= earlier.fence) {
      regressionCount += 1;
      if (regressions.length < MAX_LISTED) {
        regressions.push({
          resource: op.resource,
          lockId: op.lockId,
          fence: op.fence,
          invokeMs: invokeMs.get(key) ?? op.timeMs,
          earlierLockId: earlier.lockId,
          earlierFence: earlier.fence.toString(),
          earlierOkMs: earlier.okMs,
        });
      }
    }
    const current = best.get(op.resource);
    if (current === undefined || fence > current.fence) best.set(op.resource, { fence, lockId: op.lockId, okMs: op.timeMs });
  }
  return {
    name: 'token-order',
    valid: regressionCount === 0,
    summary: regressionCount === 0 ? `${acquisitionCount} tokens, none regressed` : `${regressionCount} token regressions among ${acquisitionCount} tokens`,
    details: { acquisitionCount, regressionCount, regressions },
  };
}
