import type { Runtime } from './runtime.js';
import { TIMER_MAX_MS } from './settings.js';

/** Waits `ms` on the runtime's timers, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined, runtime: Runtime): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      runtime.clearTimer(timer);
      reject(signal?.reason);
    };
    const timer = runtime.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, TIMER_MAX_MS));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
