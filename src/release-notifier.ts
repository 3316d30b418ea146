import type { NodeClient } from './clients/node-client.js';
import { sharedSubscription, type SharedSubscription, type SubscriptionListener } from './release-subscriptions.js';
import type { Runtime, TimerHandle } from './runtime.js';
import { releaseChannel } from './scripts.js';
import { TIMER_MAX_MS } from './settings.js';

/** How a wait for a release ended. */
export type ReleaseWaitOutcome = 'notified' | 'timeout' | 'aborted' | 'closed';

/**
 * How long a channel stays subscribed after its last waiter left, in ms. A hot key's
 * waiters then find it subscribed already, with no SUBSCRIBE/UNSUBSCRIBE round trip per
 * wait and no gap in which a release goes unseen. The timer is unref'd.
 */
export const LINGER_MS = 5_000;

/**
 * Most channels one notifier keeps subscribed at once. Past it, idle channels are
 * dropped first; a wait that still finds no room is not subscribed and simply times out,
 * as a blind retry would.
 */
export const CHANNELS_MAX = 10_000;

export interface ReleaseNotifierOptions {
  readonly runtime: Runtime;
  /**
   * Receives the subscriber connections' errors. They only cost notifications (a wait
   * then ends at its bound), but they are reported, not dropped.
   */
  readonly onError: (error: Error) => void;
  /** See LINGER_MS; 0 for Cluster clients, whose subscriber sockets cannot be unref'd. */
  readonly lingerMs: number;
}

/** One node of the notifier: the caller's client (the sharing key) and its driver. */
export interface NotifierNode {
  readonly client: object;
  readonly driver: NodeClient;
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

interface Waiter {
  settle(outcome: ReleaseWaitOutcome): void;
}

interface ChannelState {
  readonly waiters: Set<Waiter>;
  /** Monotonic ms of the last release seen on this channel, from any node. */
  lastReleaseMs: number;
  lingerTimer: TimerHandle | undefined;
}

/**
 * Wakes lock waiters when a lock is released instead of letting them sleep out a blind
 * retry delay. With `releaseNotifications`, a release PUBLISHes on `releaseChannel(key)`
 * on every node where it deleted the key; this class subscribes through one shared
 * subscriber per client (see release-subscriptions.ts) and ends a wait as soon as any
 * node reports a release of any of its resources.
 *
 * A lost message (a node down, a release between the failed attempt and the SUBSCRIBE,
 * a lock that expired instead of being released) costs at most the wait's bound: the
 * caller's jittered retry stays the fallback.
 */
export class ReleaseNotifier {
  private readonly runtime: Runtime;
  private readonly subscriptions: readonly SharedSubscription[];
  private readonly prefixes: readonly string[];
  private readonly channels = new Map<string, ChannelState>();
  // Lines per resource set, in arrival order; an empty line is deleted, so the map
  // holds at most one entry per resource set someone is waiting for.
  private readonly lines = new Map<string, Ticket[]>();
  private closed = false;
  private readonly listener: SubscriptionListener;

  constructor(
    nodes: readonly NotifierNode[],
    private readonly options: ReleaseNotifierOptions,
  ) {
    this.runtime = options.runtime;
    this.subscriptions = nodes.map((node) => sharedSubscription(node.client, node.driver));
    // The script publishes on the key as the server sees it, so with a driver's key
    // prefix the channel carries the prefix too.
    this.prefixes = [...new Set(nodes.map((node) => node.driver.keyPrefix ?? ''))];
    this.listener = { message: (channel) => this.onRelease(channel), error: (error) => options.onError(error) };
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
   * not (a waiter never waits longer than a blind retry would); 'aborted' on abort;
   * 'closed' once quit() was called (then at once).
   */
  async waitForTurn(ticket: LineTicket, maxWaitMs: number, signal: AbortSignal | undefined, sinceMs: number): Promise<ReleaseWaitOutcome> {
    const own = ticket as Ticket;
    const deadlineMs = this.runtime.monotonicMs() + maxWaitMs;
    let since = sinceMs;
    for (;;) {
      const outcome = await this.wait(own, deadlineMs - this.runtime.monotonicMs(), signal, since);
      if (outcome !== 'notified' || own.first) return outcome;
      // Someone earlier in line goes first; only a release after this one concerns us.
      since = this.runtime.monotonicMs();
    }
  }

  /** Ends every wait with 'closed' and gives up this notifier's subscriptions. Idempotent. */
  quit(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [channel, state] of [...this.channels]) {
      for (const waiter of [...state.waiters]) waiter.settle('closed');
      this.drop(channel);
    }
  }

  private wait(ticket: Ticket, maxWaitMs: number, signal: AbortSignal | undefined, sinceMs: number): Promise<ReleaseWaitOutcome> {
    if (this.closed) return Promise.resolve('closed');
    if (signal?.aborted) return Promise.resolve('aborted');
    if (!(maxWaitMs > 0)) return Promise.resolve('timeout');
    const channels = [...new Set(ticket.resources.flatMap((resource) => this.prefixes.map((prefix) => releaseChannel(prefix + resource))))];
    if (channels.some((channel) => (this.channels.get(channel)?.lastReleaseMs ?? -Infinity) > sinceMs)) return Promise.resolve('notified');
    return new Promise((resolve) => {
      let settled = false;
      const timer = this.runtime.setTimer(() => waiter.settle('timeout'), Math.min(maxWaitMs, TIMER_MAX_MS));
      const onAbort = (): void => waiter.settle('aborted');
      const waiter: Waiter = {
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          this.runtime.clearTimer(timer);
          signal?.removeEventListener('abort', onAbort);
          for (const channel of channels) this.leave(channel, waiter);
          ticket.nudge = undefined;
          resolve(outcome);
        },
      };
      ticket.nudge = () => waiter.settle('notified');
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const channel of channels) this.join(channel, waiter);
    });
  }

  private join(channel: string, waiter: Waiter): void {
    let state = this.channels.get(channel);
    if (state === undefined) {
      if (this.channels.size >= CHANNELS_MAX && !this.evictIdle()) return;
      state = { waiters: new Set(), lastReleaseMs: -Infinity, lingerTimer: undefined };
      if (this.channels.size === 0) for (const subscription of this.subscriptions) subscription.listen(this.listener);
      this.channels.set(channel, state);
      for (const subscription of this.subscriptions) subscription.watch(channel);
    }
    this.clearLinger(state);
    state.waiters.add(waiter);
  }

  private leave(channel: string, waiter: Waiter): void {
    const state = this.channels.get(channel);
    if (!state || !state.waiters.delete(waiter) || state.waiters.size > 0 || this.closed) return;
    if (this.options.lingerMs === 0) {
      this.drop(channel);
      return;
    }
    // A lingering subscription must not keep the process alive.
    state.lingerTimer = this.runtime.setTimer(() => this.drop(channel), this.options.lingerMs, true);
  }

  private drop(channel: string): void {
    const state = this.channels.get(channel);
    if (!state || state.waiters.size > 0) return;
    this.clearLinger(state);
    this.channels.delete(channel);
    for (const subscription of this.subscriptions) subscription.unwatch(channel);
    if (this.channels.size === 0) for (const subscription of this.subscriptions) subscription.unlisten(this.listener);
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

  private clearLinger(state: ChannelState): void {
    if (state.lingerTimer !== undefined) this.runtime.clearTimer(state.lingerTimer);
    state.lingerTimer = undefined;
  }

  private onRelease(channel: string): void {
    const state = this.channels.get(channel);
    if (!state) return;
    state.lastReleaseMs = this.runtime.monotonicMs();
    // Oldest waiter first: it is the first to send its next attempt, which keeps the hand-off fair.
    for (const waiter of [...state.waiters]) waiter.settle('notified');
  }
}
