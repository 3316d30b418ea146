import type { Runtime, TimerHandle } from '../../src/runtime.js';
import type { Random } from '../random.js';
import type { ClockModel } from './clock-model.js';
import type { Actor, Scheduler, SimEvent } from './scheduler.js';

/**
 * The Runtime one simulated client process gives its Redlock: its own clocks, timers on
 * virtual time that freeze while the client is paused, and one seeded stream for both
 * jitter and lock values. Lock values drawn from a seeded stream are not secret, which
 * is fine in a simulation and is what makes a run replay byte for byte.
 */
export function simRuntime(scheduler: Scheduler, actor: Actor, clock: ClockModel, random: Random): Runtime {
  return {
    monotonicMs: () => clock.monotonicMs(),
    wallMs: () => clock.wallMs(),
    setTimer: (callback: () => void, delayMs: number): TimerHandle => scheduler.after(clock.trueDelayMs(delayMs), callback, actor),
    clearTimer: (handle: TimerHandle): void => {
      if (handle !== undefined && handle !== null) scheduler.cancel(handle as SimEvent);
    },
    defer: (callback: () => void): void => {
      scheduler.after(0, callback, actor);
    },
    random: () => random.next(),
    fillRandom: (bytes: Uint8Array): void => {
      for (let index = 0; index < bytes.length; index += 4) {
        const word = Math.floor(random.next() * 0x1_0000_0000);
        for (let b = 0; b < 4 && index + b < bytes.length; b += 1) bytes[index + b] = (word >>> (8 * b)) & 0xff;
      }
    },
  };
}
