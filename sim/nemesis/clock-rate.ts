/**
 * clockRate: one node's wall clock runs `rate` times as fast as real time, emulated at the
 * key level (see clock-shave.ts: Redis 7 expires by the wall clock and libfaketime does not
 * work on Debian's redis-server). While injected, a timer fires every `tickMs` and takes
 * (rate - 1) x (real ms since the last tick) off the remaining PTTL of every lock key on
 * that node, carrying the sub-millisecond remainder to the next tick so that a rate like
 * x1.005 adds up exactly. A key written between two ticks is shaved as if it had lived
 * the whole tick: the error is below (rate - 1) x tickMs per key. heal stops the timer.
 * A rate below 1 (a slow clock) lengthens TTLs the same way.
 */
import type { Redis } from 'ioredis';
import { monotonicMs } from '../../src/clock.js';
import { openAdminConnection } from '../testbed/redis-admin.js';
import { shaveTtls, DEFAULT_LOCK_KEY_PATTERN } from './clock-shave.js';
import { faultEvent, type Nemesis, type NemesisContext } from './nemesis.js';
import { integerIn, numberIn } from './validate.js';

export interface ClockRateOptions {
  /** The node whose clock runs off (0-based). */
  readonly node: number;
  /** Clock speed relative to real time (0.01 to 100; 1.005 = 0.5% fast, 2 = double). */
  readonly rate: number;
  /** Shave period in ms (10 to 10_000). @default 50 */
  readonly tickMs?: number;
  /** KEYS pattern of the lock keys. @default '*' (fence counters are always skipped) */
  readonly keyPattern?: string;
}

interface Running {
  readonly redis: Redis;
  timer: NodeJS.Timeout | undefined;
  inFlight: Promise<void> | undefined;
  lastTickMs: number;
  carryMs: number;
  ticks: number;
  shavedMs: number;
  expired: number;
  shortened: number;
  failures: number;
  lastError: string;
}

export function clockRate(options: ClockRateOptions): Nemesis {
  const node = integerIn('node', options.node, 0, 14);
  const rate = numberIn('rate', options.rate, 0.01, 100);
  const tickMs = integerIn('tickMs', options.tickMs ?? 50, 10, 10_000);
  const keyPattern = options.keyPattern ?? DEFAULT_LOCK_KEY_PATTERN;
  let running: Running | undefined;

  const tick = async (state: Running): Promise<void> => {
    const nowMs = monotonicMs();
    state.carryMs += (rate - 1) * (nowMs - state.lastTickMs);
    state.lastTickMs = nowMs;
    const shaveMs = Math.trunc(state.carryMs);
    if (shaveMs === 0) return;
    state.carryMs -= shaveMs;
    try {
      const result = await shaveTtls(state.redis, shaveMs, keyPattern);
      state.shavedMs += shaveMs;
      state.expired += result.expired;
      state.shortened += result.shortened;
    } catch (error) {
      // A node that is down or paused (another nemesis) misses this tick; its clock then
      // "lost" that time. Counted and reported in the stop event, not hidden.
      state.failures += 1;
      state.lastError = error instanceof Error ? error.message : String(error);
    }
    state.ticks += 1;
  };

  const schedule = (state: Running): void => {
    state.timer = setTimeout(() => {
      state.inFlight = tick(state).finally(() => {
        state.inFlight = undefined;
        if (running === state) schedule(state);
      });
    }, tickMs);
    state.timer.unref();
  };

  const heal = async (ctx: NemesisContext): Promise<void> => {
    const state = running;
    if (!state) return;
    running = undefined;
    clearTimeout(state.timer);
    await state.inFlight;
    state.redis.disconnect();
    const failures = state.failures > 0 ? `, ${state.failures} ticks failed (last: ${state.lastError})` : '';
    ctx.record({
      ...faultEvent('stop', 'clock-rate', `node ${node} clock back to x1 after ${state.ticks} ticks, ${state.shavedMs} ms shaved, ${state.expired} keys expired${failures}`),
      measured: { shavedMs: state.shavedMs, keysShortened: state.shortened, keysExpired: state.expired, ticksFailed: state.failures },
    });
  };

  return {
    name: 'clock-rate',
    async setup(ctx) {
      integerIn('node', node, 0, ctx.testbed.nodeCount - 1);
      await heal(ctx);
    },
    async inject(ctx) {
      if (running) return;
      integerIn('node', node, 0, ctx.testbed.nodeCount - 1);
      const redis = await openAdminConnection(ctx.testbed.directEndpoints()[node]!, { timeoutMs: Math.max(1_000, tickMs) });
      const state: Running = {
        redis,
        timer: undefined,
        inFlight: undefined,
        lastTickMs: monotonicMs(),
        carryMs: 0,
        ticks: 0,
        shavedMs: 0,
        expired: 0,
        shortened: 0,
        failures: 0,
        lastError: '',
      };
      running = state;
      ctx.record(faultEvent('start', 'clock-rate', `node ${node} clock x${rate} (shaved every ${tickMs} ms)`));
      schedule(state);
    },
    heal,
    teardown: heal,
  };
}
