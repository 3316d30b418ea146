import type { NodeClient, NodeSubscriber } from './clients/node-client.js';
import { NODE_RUNTIME, type Runtime, type TimerHandle } from './runtime.js';
import { releaseChannel } from './scripts.js';
import { TIMER_MAX_MS } from './settings.js';

/** How a wait for a release ended. */
export type ReleaseWaitOutcome = 'notified' | 'timeout' | 'aborted';

export interface ReleaseNotifierOptions {
  /**
   * How long a channel stays subscribed after its last waiter left, in ms. A hot key's
   * waiters then find it subscribed already, with no SUBSCRIBE/UNSUBSCRIBE round trip
   * per wait and no gap in which a release goes unseen. @default 5000 (0 to 600000)
   */
  readonly lingerMs?: number;
  /**
   * Most channels subscribed at once. Past it, idle channels are dropped first; a wait
   * that still finds no room is not subscribed and simply times out, as a blind retry
   * would. @default 10000 (1 to 1000000)
   */
  readonly channelsMax?: number;
  /** Clock (for `sinceMs`) and timers. @default NODE_RUNTIME */
  readonly runtime?: Runtime;
  /**
   * Receives the subscriber connections' errors. They only cost notifications (a wait
   * then ends at its bound), but they are reported, not dropped.
   * @default undefined: errors are dropped
   */
  readonly onError?: (error: Error) => void;
}

const DEFAULT_LINGER_MS = 5000;
const LINGER_MS_MAX = 600_000;
const DEFAULT_CHANNELS_MAX = 10_000;
const CHANNELS_MAX_MAX = 1_000_000;

interface Waiter {
  readonly channels: readonly string[];
  settle(outcome: ReleaseWaitOutcome): void;
}

/**
 * A place in this process's line for one resource set. Only the first in line retries
 * when a release is seen; the others keep waiting, so that a hot lock passes from one
 * waiter of this process to the next in arrival order instead of to a random one, and
 * a release costs one attempt instead of one per waiter.
 */
export interface LineTicket {
  /** True while no earlier waiter of this process is in line for the same resources. */
  readonly first: boolean;
  /**
   * Leaves the line (idempotent). `acquired: false` (gave up, aborted, failed) wakes the
   * next in line at once, since no release by this waiter will come to wake it.
   */
  leave(acquired: boolean): void;
}

interface Ticket extends LineTicket {
  readonly resources: readonly string[];
  /** Ends the ticket's current wait as if notified; set while it waits. */
  nudge: (() => void) | undefined;
}

interface ChannelState {
  readonly waiters: Set<Waiter>;
  /** Monotonic ms of the last release seen on this channel, from any node. */
  lastReleaseMs: number;
  lingerTimer: TimerHandle | undefined;
}

/**
 * Wakes lock waiters when a lock is released instead of letting them sleep out a blind
 * retry delay. The release script PUBLISHes on `releaseChannel(key)` on every node
 * where it deleted the key (a failed attempt's clean-up does not: see scripts.ts);
 * this class holds one subscriber connection per node (a duplicate of the node's
 * client, created on the first wait, closed by quit()) and resolves a wait as soon as
 * any node reports a release of any of its resources.
 *
 * A lost message (a node down, a release between the failed attempt and the SUBSCRIBE,
 * a lock that expired instead of being released) costs at most `maxWaitMs`: the wait
 * never outlives its bound, so the caller's jittered retry stays the fallback.
 */
export class ReleaseNotifier {
  private readonly lingerMs: number;
  private readonly channelsMax: number;
  private readonly runtime: Runtime;
  private readonly clock: () => number;
  private readonly onError: ((error: Error) => void) | undefined;
  private readonly channels = new Map<string, ChannelState>();
  private subscribers: NodeSubscriber[] | undefined;
  private closed = false;
  // Lines per resource set, in arrival order; an empty line is deleted, so the map
  // holds at most one entry per resource set someone is waiting for.
  private readonly lines = new Map<string, Ticket[]>();

  constructor(
    private readonly clients: readonly NodeClient[],
    options: ReleaseNotifierOptions = {},
  ) {
    this.lingerMs = checkRange(options.lingerMs ?? DEFAULT_LINGER_MS, 'lingerMs', 0, LINGER_MS_MAX);
    this.channelsMax = checkRange(options.channelsMax ?? DEFAULT_CHANNELS_MAX, 'channelsMax', 1, CHANNELS_MAX_MAX, true);
    this.runtime = options.runtime ?? NODE_RUNTIME;
    this.clock = this.runtime.monotonicMs;
    this.onError = options.onError;
  }

  /**
   * Resolves 'notified' as soon as one of `resources` is released on any node,
   * 'timeout' after `maxWaitMs`, 'aborted' when `signal` aborts (never rejects). With
   * `sinceMs` (a monotonic time, e.g. when the failed attempt started), a release seen
   * after it, but before this call, resolves at once: it would otherwise be missed.
   */
  waitForRelease(resources: readonly string[], maxWaitMs: number, signal?: AbortSignal, sinceMs?: number): Promise<ReleaseWaitOutcome> {
    return this.wait(resources, maxWaitMs, signal, sinceMs, undefined);
  }

  /**
   * Joins this process's line for `resources` (the same set in any order). Call it when
   * an acquire starts; when the ticket is not `first`, wait with waitForTurn before the
   * first attempt, so that a newcomer does not overtake earlier waiters. Always leave().
   */
  joinLine(resources: readonly string[]): LineTicket {
    const key = [...new Set(resources)].sort().join('\u0000');
    const line = this.lines.get(key) ?? [];
    this.lines.set(key, line);
    let left = false;
    const ticket: Ticket = {
      resources: [...resources],
      nudge: undefined,
      get first() {
        return line[0] === ticket;
      },
      leave: (acquired) => {
        if (left) return;
        left = true;
        const wasFirst = line[0] === ticket;
        line.splice(line.indexOf(ticket), 1);
        if (line.length === 0) this.lines.delete(key);
        else if (wasFirst && !acquired) line[0]?.nudge?.();
      },
    };
    line.push(ticket);
    return ticket;
  }

  /**
   * The wait between two attempts for a waiter in line: 'notified' when a release was
   * seen (after `sinceMs`, or during the wait) and this ticket is first in line, or when
   * the waiter ahead left without the lock; 'timeout' after `maxWaitMs` in all, first or
   * not (the fallback: a waiter never waits longer than a blind retry would);
   * 'aborted' on abort.
   */
  async waitForTurn(ticket: LineTicket, maxWaitMs: number, signal?: AbortSignal, sinceMs?: number): Promise<ReleaseWaitOutcome> {
    const own = ticket as Ticket;
    const deadlineMs = this.clock() + maxWaitMs;
    let since = sinceMs;
    for (;;) {
      const outcome = await this.wait(own.resources, deadlineMs - this.clock(), signal, since, own);
      if (outcome !== 'notified' || own.first) return outcome;
      // Someone earlier in line goes first; only a release after this one concerns us.
      since = this.clock();
    }
  }

  private wait(resources: readonly string[], maxWaitMs: number, signal: AbortSignal | undefined, sinceMs: number | undefined, ticket: Ticket | undefined): Promise<ReleaseWaitOutcome> {
    if (signal?.aborted) return Promise.resolve('aborted');
    if (this.closed || !(maxWaitMs > 0)) return Promise.resolve('timeout');
    const channels = [...new Set(resources.flatMap((resource) => this.channelsOf(resource)))];
    if (sinceMs !== undefined && channels.some((channel) => (this.channels.get(channel)?.lastReleaseMs ?? -Infinity) > sinceMs)) {
      return Promise.resolve('notified');
    }
    return new Promise((resolve) => {
      let settled = false;
      const timer = this.runtime.setTimer(() => waiter.settle('timeout'), Math.min(maxWaitMs, TIMER_MAX_MS));
      const onAbort = (): void => waiter.settle('aborted');
      const waiter: Waiter = {
        channels,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          this.runtime.clearTimer(timer);
          signal?.removeEventListener('abort', onAbort);
          for (const channel of channels) this.leave(channel, waiter);
          if (ticket) ticket.nudge = undefined;
          resolve(outcome);
        },
      };
      if (ticket) ticket.nudge = () => waiter.settle('notified');
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const channel of channels) this.join(channel, waiter);
    });
  }

  /** Channels subscribed now (waited on, or lingering). */
  get subscribedChannelCount(): number {
    return this.channels.size;
  }

  /**
   * Closes the subscriber connections. Pending waits resolve 'timeout', so a retry loop
   * goes on to its next attempt and ends there. Idempotent.
   */
  async quit(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const state of [...this.channels.values()]) {
      this.clearLinger(state);
      for (const waiter of [...state.waiters]) waiter.settle('timeout');
    }
    this.channels.clear();
    const subscribers = this.subscribers ?? [];
    this.subscribers = undefined;
    // disconnect(), not quit(): a subscriber to a dead node would wait for its reconnect.
    for (const subscriber of subscribers) subscriber.close();
  }

  // The script publishes on the key as the server sees it, so with an ioredis keyPrefix
  // the channel carries the prefix too.
  private channelsOf(resource: string): string[] {
    const prefixes = new Set(this.clients.map((client) => client.keyPrefix ?? ''));
    return [...prefixes].map((prefix) => releaseChannel(prefix + resource));
  }

  private join(channel: string, waiter: Waiter): void {
    let state = this.channels.get(channel);
    if (state === undefined) {
      if (this.channels.size >= this.channelsMax && !this.evictIdle()) return;
      state = { waiters: new Set(), lastReleaseMs: -Infinity, lingerTimer: undefined };
      this.channels.set(channel, state);
      for (const subscriber of this.ensureSubscribers()) {
        // Not awaited: a node that is down must not hold up the wait; its timeout bounds it.
        subscriber.subscribe(channel).catch((error: Error) => this.onError?.(error));
      }
    }
    this.clearLinger(state);
    state.waiters.add(waiter);
  }

  private leave(channel: string, waiter: Waiter): void {
    const state = this.channels.get(channel);
    if (!state || !state.waiters.delete(waiter) || state.waiters.size > 0 || this.closed) return;
    // A lingering subscription must not keep the process alive.
    state.lingerTimer = this.runtime.setTimer(() => this.drop(channel), this.lingerMs, true);
  }

  private drop(channel: string): void {
    const state = this.channels.get(channel);
    if (!state || state.waiters.size > 0) return;
    this.clearLinger(state);
    this.channels.delete(channel);
    for (const subscriber of this.subscribers ?? []) subscriber.unsubscribe(channel).catch((error: Error) => this.onError?.(error));
  }

  /** Drops the oldest channel nobody waits on; false when every channel has waiters. */
  private evictIdle(): boolean {
    for (const [channel, state] of this.channels) {
      if (state.waiters.size === 0) {
        this.drop(channel);
        return true;
      }
    }
    return false;
  }

  private ensureSubscribers(): NodeSubscriber[] {
    this.subscribers ??= this.clients.map((client) =>
      client.subscriber({
        message: (channel) => this.onRelease(channel),
        error: (error) => this.onError?.(error),
      }),
    );
    return this.subscribers;
  }

  private clearLinger(state: ChannelState): void {
    if (state.lingerTimer !== undefined) this.runtime.clearTimer(state.lingerTimer);
    state.lingerTimer = undefined;
  }

  private onRelease(channel: string): void {
    const state = this.channels.get(channel);
    if (!state) return;
    state.lastReleaseMs = this.clock();
    // Oldest waiter first: it is the first to send its next attempt, which keeps the hand-off fair.
    for (const waiter of [...state.waiters]) waiter.settle('notified');
  }
}

function checkRange(value: number, name: string, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
