import { EventQueue } from './event-queue.js';

/**
 * Something that can be paused as a whole: a client process (a GC pause, SIGSTOP) or a
 * node (SIGSTOP). While it is paused its events are held, in order, and run when it
 * resumes; the rest of the world goes on.
 */
export class Actor {
  private pausedUntil = 0;
  private readonly held: SimEvent[] = [];
  /** How many pauses overlap now (nested pauses end with the last one). */
  private depth = 0;

  constructor(readonly name: string) {}

  get paused(): boolean {
    return this.depth > 0;
  }

  /** @internal the scheduler parks an event of a paused actor here. */
  hold(event: SimEvent): void {
    this.held.push(event);
  }

  /** @internal */
  pauseStart(untilMs: number): void {
    this.depth += 1;
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  /** @internal returns the events to run again, in their original order, when the last pause ends. */
  pauseEnd(): SimEvent[] {
    this.depth -= 1;
    if (this.depth > 0) return [];
    return this.held.splice(0, this.held.length);
  }
}

/** One scheduled callback. */
export interface SimEvent {
  timeMs: number;
  seq: number;
  readonly owner: Actor | undefined;
  readonly run: () => void;
  /**
   * True when the callback may resume library code (a reply, a timer): the run loop then
   * lets Node drain every promise continuation before the next event, as Node's own
   * event loop does between two timers. Node-side events (a node executing a request)
   * touch no promise and skip that cost.
   */
  readonly wakesCode: boolean;
  cancelled: boolean;
}

/** Events that may resume library code run between two turns of Node's event loop. */
const WAKES_PER_TURN = 256;

/** Why a run stopped. */
export type RunEnd = 'idle' | 'deadline' | 'event-limit';

/**
 * Virtual time: one event queue, one "true" time line (`nowMs`, the simulation's own,
 * which no simulated party can read directly: each reads its own clock model of it).
 * Nothing here reads the host's clock; the same schedule of calls gives the same run.
 */
export class Scheduler {
  nowMs = 0;
  /** Events run so far. */
  eventCount = 0;
  private seq = 0;
  private readonly queue = new EventQueue<SimEvent>();

  /** Schedules `run` at true time `timeMs` (not before now). */
  at(timeMs: number, run: () => void, owner?: Actor, wakesCode = true): SimEvent {
    const event: SimEvent = { timeMs: Math.max(timeMs, this.nowMs), seq: this.seq++, owner, run, wakesCode, cancelled: false };
    this.queue.push(event);
    return event;
  }

  /** Schedules `run` `delayMs` of true time from now. */
  after(delayMs: number, run: () => void, owner?: Actor, wakesCode = true): SimEvent {
    return this.at(this.nowMs + Math.max(0, delayMs), run, owner, wakesCode);
  }

  cancel(event: SimEvent): void {
    event.cancelled = true;
  }

  /** Pauses `actor` from now for `durationMs` of true time. */
  pause(actor: Actor, durationMs: number): void {
    actor.pauseStart(this.nowMs + durationMs);
    this.after(durationMs, () => {
      for (const held of actor.pauseEnd()) {
        if (held.cancelled) continue;
        held.timeMs = this.nowMs;
        held.seq = this.seq++;
        this.queue.push(held);
      }
    }, undefined, false);
  }

  /**
   * Runs events in (time, seq) order until none is left, the next is after `endMs`, or
   * `eventsMax` ran. After an event that may resume library code, every promise
   * continuation it queued runs, at that event's virtual time, before the next event.
   *
   * The loop resumes from a nextTick queued by a microtask: Node runs nextTicks only once
   * V8 has emptied the microtask queue, continuations queued by continuations included,
   * so that is the moment the event's code has settled, without a turn of the event loop
   * (a turn per event was a quarter of a run's time, in epoll and the immediates queue).
   * Every WAKES_PER_TURN such events the loop does take a turn (setImmediate), so that
   * the host's own I/O, timers and signals are served during a long run.
   */
  run(endMs: number, eventsMax: number): Promise<RunEnd> {
    let wakes = 0;
    return new Promise((resolve, reject) => {
      const resumeAfterMicrotasks = (): void => {
        process.nextTick(step);
      };
      const step = (): void => {
        try {
          for (;;) {
            const event = this.queue.peek();
            if (event === undefined) return resolve('idle');
            if (event.timeMs > endMs) return resolve('deadline');
            if (this.eventCount >= eventsMax) return resolve('event-limit');
            this.queue.pop();
            if (event.cancelled) continue;
            if (event.owner?.paused) {
              event.owner.hold(event);
              continue;
            }
            this.nowMs = event.timeMs;
            this.eventCount += 1;
            event.run();
            if (event.wakesCode) {
              wakes += 1;
              if (wakes % WAKES_PER_TURN === 0) setImmediate(step);
              else queueMicrotask(resumeAfterMicrotasks);
              return;
            }
          }
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      step();
    });
  }
}
