/**
 * Bounds on Toxiproxy API calls. Toxiproxy's control API can wedge for good when a toxic
 * is removed while its links are busy (Shopify/toxiproxy#558, also #159, #210, #412): the
 * DELETE never returns and every later call on that proxy queues behind it, while
 * GET /version may still answer. A call that overruns its bound therefore throws
 * ToxiproxyHungError, which the runner treats as "restart toxiproxy-server", never as a
 * pass and never as a hang.
 */

/** A loopback Toxiproxy call answers in milliseconds; removing a latency toxic flushes
 * its queued data first, which takes at most the toxic's latency (under a second here). */
export const TOXIPROXY_CALL_TIMEOUT_MS = 5_000;

/** Largest bound a caller may ask for: a Toxiproxy call is never allowed to stall a run. */
export const TOXIPROXY_CALL_TIMEOUT_MS_MAX = 60_000;

/** A Toxiproxy API call that did not answer within its bound: the server's API is hung. */
export class ToxiproxyHungError extends Error {
  override readonly name = 'ToxiproxyHungError';
  constructor(
    /** What was called, e.g. "DELETE toxic latency-upstream on g0-n2". */
    readonly call: string,
    readonly timeoutMs: number,
  ) {
    super(`Toxiproxy did not answer "${call}" within ${timeoutMs} ms (its API is hung, see Shopify/toxiproxy#558)`);
  }
}

/** Whether `error`, or an error it wraps (cause, AggregateError), is a ToxiproxyHungError. */
export function isToxiproxyHung(error: unknown): boolean {
  for (let depth = 0, current = error; depth < 8 && current instanceof Error; depth += 1) {
    if (current instanceof ToxiproxyHungError) return true;
    if (current instanceof AggregateError && current.errors.some((inner) => isToxiproxyHung(inner))) return true;
    current = current.cause;
  }
  return false;
}

/**
 * Awaits one Toxiproxy call at most `timeoutMs` (default TOXIPROXY_CALL_TIMEOUT_MS, 1 to
 * 60_000 ms). The call itself cannot be cancelled (the client has no abort), so it is left
 * behind; a restart of the server ends it.
 */
export async function toxiproxyCall<T>(call: string, work: () => Promise<T>, timeoutMs = TOXIPROXY_CALL_TIMEOUT_MS): Promise<T> {
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1 || timeoutMs > TOXIPROXY_CALL_TIMEOUT_MS_MAX) {
    throw new RangeError(`timeoutMs must be from 1 to ${TOXIPROXY_CALL_TIMEOUT_MS_MAX} ms, got ${String(timeoutMs)}`);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ToxiproxyHungError(call, timeoutMs)), timeoutMs);
  });
  const pending = work();
  // A call left behind that fails later (the server was restarted under it) is expected.
  pending.catch(() => {});
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
