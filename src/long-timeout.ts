import type { Runtime } from './runtime.js';
import { TIMER_MAX_MS } from './settings.js';

/**
 * A timer for any delay: Node fires timers longer than 2^31 - 1 ms at once, and
 * locks may last longer than that. Returns a function that cancels it.
 */
export function setLongTimeout(callback: () => void, delayMs: number, runtime: Runtime): () => void {
  let timer: unknown;
  let cancelled = false;
  const arm = (leftMs: number): void => {
    const stepMs = Math.max(0, Math.min(leftMs, TIMER_MAX_MS));
    timer = runtime.setTimer(() => {
      if (cancelled) return;
      if (leftMs > stepMs) arm(leftMs - stepMs);
      else callback();
    }, stepMs);
  };
  arm(delayMs);
  return () => {
    cancelled = true;
    runtime.clearTimer(timer);
  };
}
