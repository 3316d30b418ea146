import type { Script } from '../scripts.js';

/** Calls back once with a script's reply, or with the error that stood for it. */
export type Reply = (error: Error | null, reply?: unknown) => void;

/**
 * What the library needs of one Redis master's client, and nothing more: one adapter per
 * driver (ioredis, node-redis) and one for the simulator. Redlock talks to nodes only
 * through this surface.
 */
export interface NodeClient {
  /** host:port of the node (a cluster: the address of its first configured node), for errors and events. */
  readonly address: string;
  /** A Redis Cluster client: the keys of one script must share a hash slot. */
  readonly cluster: boolean;
  /**
   * False when a command sent now would wait in an offline queue (connecting after a
   * loss, reconnecting, closed): the node then votes against at once instead.
   */
  readonly ready: boolean;
  /**
   * The prefix the driver adds to every key (ioredis `keyPrefix`). Release channels are
   * named after the key as the server sees it, so the notifier subscribes with it.
   * @default '' (no prefix)
   */
  readonly keyPrefix?: string;
  /**
   * Runs one of the library's scripts (EVALSHA, EVAL when the server lacks it) and
   * calls `done` exactly once, with the driver's own error object on failure.
   */
  runScript(script: Script, keys: readonly string[], args: readonly string[], done: Reply): void;
  /**
   * Opens a dedicated subscriber connection for release notifications. Only called when
   * the caller turned `releaseNotifications` on, so a user without pub/sub rights never
   * needs them otherwise. The subscriber must not keep the process alive.
   */
  subscriber(events: SubscriberEvents): NodeSubscriber;
}

export interface SubscriberEvents {
  /** A message arrived on `channel`. */
  readonly message: (channel: string) => void;
  /** The subscriber's connection failed; it only costs notifications. */
  readonly error: (error: Error) => void;
}

/** A subscriber connection of one node. */
export interface NodeSubscriber {
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** Closes the connection at once, without waiting for a node that may be down. */
  close(): void;
}
