import type { NodeClient, NodeSubscriber } from './clients/node-client.js';

/** What a notifier hears from one node's subscriber. */
export interface SubscriptionListener {
  message(channel: string): void;
  error(error: Error): void;
}

/**
 * One subscriber connection per Redis client, shared by every Redlock of the process
 * that uses that client, and open only while some channel is wanted: a Redlock that is
 * dropped without quit() leaves no connection behind, and 20 Redlocks over one client
 * open at most one subscriber to it, not 20.
 */
export class SharedSubscription {
  private subscriber: NodeSubscriber | undefined;
  // How many notifiers want each channel; a channel is subscribed while its count > 0.
  private readonly wanted = new Map<string, number>();
  private readonly listeners = new Set<SubscriptionListener>();

  constructor(private readonly driver: NodeClient) {}

  listen(listener: SubscriptionListener): void {
    this.listeners.add(listener);
  }

  unlisten(listener: SubscriptionListener): void {
    this.listeners.delete(listener);
  }

  watch(channel: string): void {
    const count = this.wanted.get(channel) ?? 0;
    this.wanted.set(channel, count + 1);
    if (count > 0) return;
    this.subscriber ??= this.driver.subscriber({
      message: (received) => {
        for (const listener of [...this.listeners]) listener.message(received);
      },
      error: (error) => this.fail(error),
    });
    // Not awaited: a node that is down must not hold up the wait; its timeout bounds it.
    this.subscriber.subscribe(channel).catch((error: Error) => this.fail(error));
  }

  unwatch(channel: string): void {
    const count = this.wanted.get(channel);
    if (count === undefined) return;
    if (count > 1) {
      this.wanted.set(channel, count - 1);
      return;
    }
    this.wanted.delete(channel);
    const subscriber = this.subscriber;
    if (!subscriber) return;
    if (this.wanted.size === 0) {
      // Nothing is wanted: close the connection rather than keep an idle one open.
      this.subscriber = undefined;
      subscriber.close();
      return;
    }
    subscriber.unsubscribe(channel).catch((error: Error) => this.fail(error));
  }

  private fail(error: Error): void {
    for (const listener of [...this.listeners]) listener.error(error);
  }
}

// Keyed by the caller's client object, so that every Redlock over one client shares it.
const registry = new WeakMap<object, SharedSubscription>();

export function sharedSubscription(client: object, driver: NodeClient): SharedSubscription {
  let shared = registry.get(client);
  if (!shared) {
    shared = new SharedSubscription(driver);
    registry.set(client, shared);
  }
  return shared;
}
