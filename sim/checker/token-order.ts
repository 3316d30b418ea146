import { HistoryFormatError } from '../history/history-format-error.js';
import type { HistoryEvent } from '../history/types.js';
import type { KnownCheckResult } from './check-result.js';
import { acquisitionKey, holdWindows, type HoldWindow } from './hold-windows.js';

/**
 * An acquisition whose token is not greater than that of an acquisition of the same
 * resource that completed before it began: the fencing guarantee broken.
 */
export interface TokenRegression {
  readonly resource: string;
  /** The later acquisition, the one with the regressed token. */
  readonly later: HoldWindow;
  /** The earlier-completed acquisition with the largest token. */
  readonly earlier: HoldWindow;
}

export interface TokenOrderDetails {
  /** Acquisitions with a token that were compared. */
  readonly acquisitionCount: number;
  /** Acquisitions without a token (fencing off): not judged. */
  readonly unfencedCount: number;
  readonly regressionCount: number;
  /** Equal tokens among the regressions (two acquisitions given the same token). */
  readonly equalTokenCount: number;
  /** The first `maxExamples` regressions, in order of the later acquisition's invoke. */
  readonly regressions: readonly TokenRegression[];
  /** The lockIds (resource, lockId keys, see acquisitionKey) of every regressed acquisition. */
  readonly regressedKeys: ReadonlySet<string>;
  /** Resources with at least one regression. */
  readonly resources: readonly string[];
  /** The anomalies found, by name: `token-regression`; empty when valid. */
  readonly anomalies: readonly 'token-regression'[];
}

/** Options of {@link checkTokenOrder}. */
export interface TokenOrderOptions {
  /** How many regressions to keep as evidence (all are counted). @default 50 */
  readonly maxExamples?: number;
}

const DEFAULT_MAX_EXAMPLES = 50;

/**
 * The library's fencing promise, checked in real time: if acquisition A of a resource
 * completed (its ok) before acquisition B began (its invoke), A's token is smaller than
 * B's. A B whose token is not greater than that of some earlier-completed A is a
 * `token-regression` (equal tokens included). Acquisitions without an invoke in the
 * history are judged from their ok. Pure: history in, verdict out.
 */
export function checkTokenOrder(history: readonly HistoryEvent[], options: TokenOrderOptions = {}): KnownCheckResult<TokenOrderDetails> {
  const maxExamples = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  if (!Number.isSafeInteger(maxExamples) || maxExamples < 0) {
    throw new RangeError(`maxExamples must be an integer >= 0, got ${String(maxExamples)}`);
  }
  const byResource = new Map<string, HoldWindow[]>();
  let unfencedCount = 0;
  for (const window of holdWindows(history)) {
    if (window.fence === undefined) {
      unfencedCount += 1;
      continue;
    }
    const list = byResource.get(window.resource);
    if (list === undefined) byResource.set(window.resource, [window]);
    else list.push(window);
  }
  const regressions: TokenRegression[] = [];
  const regressedKeys = new Set<string>();
  let equalTokenCount = 0;
  let acquisitionCount = 0;
  for (const [resource, windows] of byResource) {
    acquisitionCount += windows.length;
    const fences = new Map(windows.map((w) => [w, parseFence(w)]));
    const byCompletion = [...windows].sort((a, b) => a.startMs - b.startMs);
    const byBegin = [...windows].sort((a, b) => beginOf(a) - beginOf(b));
    let next = 0;
    let best: HoldWindow | undefined;
    let bestFence = -1n;
    for (const later of byBegin) {
      // Every acquisition that completed strictly before this one began.
      while (next < byCompletion.length && (byCompletion[next] as HoldWindow).startMs < beginOf(later)) {
        const done = byCompletion[next] as HoldWindow;
        const fence = fences.get(done) as bigint;
        if (best === undefined || fence > bestFence) {
          best = done;
          bestFence = fence;
        }
        next += 1;
      }
      if (best === undefined || best === later) continue;
      const fence = fences.get(later) as bigint;
      if (fence <= bestFence) {
        if (fence === bestFence) equalTokenCount += 1;
        regressedKeys.add(acquisitionKey(later));
        if (regressions.length < maxExamples) regressions.push({ resource, later, earlier: best });
      }
    }
  }
  const resources = [...new Set([...regressedKeys].map((key) => key.split('\u0000')[0] as string))].sort();
  const count = regressedKeys.size;
  const summary =
    count === 0
      ? `${acquisitionCount} fenced acquisitions, tokens in acquisition order`
      : `${count} token regressions (${equalTokenCount} equal) on ${resources.length} resources among ${acquisitionCount} fenced acquisitions`;
  return {
    name: 'token-order',
    valid: count === 0,
    summary,
    details: { acquisitionCount, unfencedCount, regressionCount: count, equalTokenCount, regressions, regressedKeys, resources, anomalies: count > 0 ? ['token-regression'] : [] },
  };
}

function beginOf(window: HoldWindow): number {
  return window.invokeMs ?? window.startMs;
}

function parseFence(window: HoldWindow): bigint {
  try {
    return BigInt(window.fence as string);
  } catch (error) {
    throw new HistoryFormatError(`fence of lockId ${window.lockId} is not an integer: ${String(window.fence)}`, { cause: error });
  }
}
