import type { Script } from '../scripts.js';
import type { NodeClient, NodeSubscriber, Reply, SubscriberEvents } from './node-client.js';

// node-redis (npm `redis`, v4, v5 and v6) is reached by duck typing only: nothing here
// imports it, so a user of ioredis alone neither installs nor loads it.

/** The options of `EVAL` / `EVALSHA` in node-redis v4 to v6. */
interface EvalOptions {
  keys: string[];
  arguments: string[];
}

/** The part of a node-redis client or cluster the adapter uses (v4 to v6). */
export interface NodeRedisLike {
  readonly isOpen: boolean;
  /** Clients of v4 to v6 and clusters of v6; clusters of v4 and v5 lack it. */
  readonly isReady?: boolean;
  evalSha(sha: string, options: EvalOptions): Promise<unknown>;
  eval(script: string, options: EvalOptions): Promise<unknown>;
  sendCommand(...args: never[]): Promise<unknown>;
  /** v4 to v6 take option overrides. */
  duplicate(overrides?: { disableOfflineQueue?: boolean }): NodeRedisLike;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  /** Sends QUIT and closes (deprecated for close() in v5, kept in v6): what `redlock.quit()` calls. */
  quit(): Promise<unknown>;
  /** A standalone client's socket; v4 to v6. */
  unref?(): void;
  /** v5 and v6: closes the connection at once. */
  destroy?(): unknown;
  /** v4 (kept, deprecated, in v5 and v6): closes the connection at once. */
  disconnect?(): Promise<unknown>;
}

/**
 * True for a node-redis client (`createClient`) or cluster (`createCluster`) of v4, v5
 * or v6. ioredis clients have `defineCommand` and no `isOpen`, so the two never match
 * each other's test.
 */
export function isNodeRedisClient(value: unknown): value is NodeRedisLike {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate['isOpen'] === 'boolean' &&
    typeof candidate['evalSha'] === 'function' &&
    typeof candidate['eval'] === 'function' &&
    typeof candidate['sendCommand'] === 'function' &&
    typeof candidate['duplicate'] === 'function' &&
    typeof candidate['defineCommand'] !== 'function'
  );
}

/** A node-redis cluster: it routes by slot and has master nodes. */
function isNodeRedisCluster(client: NodeRedisLike): boolean {
  const candidate = client as unknown as Record<string, unknown>;
  return typeof candidate['getSlotMaster'] === 'function' || Array.isArray(candidate['masters']);
}

/**
 * Adapts a node-redis client or cluster to the library's NodeClient. Scripts run with
 * the client's own EVALSHA and, when the server has not cached the script (NOSCRIPT),
 * once more with EVAL; any other failure reaches `done` as node-redis's own error
 * object (its ErrorReply, or the socket's error).
 */
export class NodeRedisClient implements NodeClient {
  readonly cluster: boolean;

  constructor(readonly client: NodeRedisLike) {
    this.cluster = isNodeRedisCluster(client);
  }

  get address(): string {
    return addressOf(this.client);
  }

  /**
   * node-redis queues commands while it connects or reconnects; `isReady` is false
   * then. v4 and v5 clusters have no `isReady`, only `isOpen` (false before connect()
   * and after close).
   */
  get ready(): boolean {
    return typeof this.client.isReady === 'boolean' ? this.client.isReady : this.client.isOpen;
  }

  /** For NodeUnavailableError: `ready`, `connecting` (queueing commands) or `closed`. */
  get status(): string {
    if (this.ready) return 'ready';
    return this.client.isOpen ? 'connecting' : 'closed';
  }

  runScript(script: Script, keys: readonly string[], args: readonly string[], done: Reply): void {
    const options: EvalOptions = { keys: [...keys], arguments: [...args] };
    const settle = (reply: unknown): void => done(null, reply);
    const fail = (error: unknown): void => done(asError(error));
    let sent: Promise<unknown>;
    try {
      sent = this.client.evalSha(script.sha, options);
    } catch (error) {
      // A closed client of some versions throws synchronously (ClientClosedError).
      fail(error);
      return;
    }
    sent.then(settle, (error: unknown) => {
      if (!isNoScript(error)) {
        fail(error);
        return;
      }
      // A restarted or flushed server lost its script cache: send the script itself once.
      try {
        this.client.eval(script.lua, options).then(settle, fail);
      } catch (evalError) {
        fail(evalError);
      }
    });
  }

  /**
   * A duplicate of the client (the same options, so the same credentials and TLS),
   * connected now and unreferenced so it never keeps the process alive. Without an
   * offline queue: while the node is down, SUBSCRIBE and UNSUBSCRIBE would pile up without
   * bound. The wanted channels are kept here instead (at most the notifier's channel
   * limit) and subscribed whenever the connection becomes ready, which also restores them
   * after a reconnect.
   */
  subscriber(events: SubscriberEvents): NodeSubscriber {
    const subscriber = this.client.duplicate({ disableOfflineQueue: true });
    const wanted = new Set<string>();
    const listener = (_message: string, channel: string): void => events.message(channel);
    const ready = (): boolean => (typeof subscriber.isReady === 'boolean' ? subscriber.isReady : subscriber.isOpen);
    const send = (work: () => Promise<unknown>): Promise<void> => (ready() ? work().then(() => undefined) : Promise.resolve());
    // Unhandled, an `error` event would crash the process; it only costs notifications.
    subscriber.on('error', events.error);
    subscriber.on('ready', () => {
      for (const channel of wanted) subscriber.subscribe(channel, listener).catch((error: unknown) => events.error(asError(error)));
    });
    subscriber.unref?.();
    subscriber.connect().catch((error: unknown) => events.error(asError(error)));
    return {
      subscribe: (channel) => {
        wanted.add(channel);
        return send(() => subscriber.subscribe(channel, listener));
      },
      unsubscribe: (channel) => {
        wanted.delete(channel);
        return send(() => subscriber.unsubscribe(channel));
      },
      close: () => {
        wanted.clear();
        try {
          const closing = typeof subscriber.destroy === 'function' ? subscriber.destroy() : subscriber.disconnect?.();
          // v4's disconnect() rejects when the client was never connected; nothing is left to close then.
          if (closing instanceof Promise) closing.catch(() => undefined);
        } catch {
          // Already closed (ClientClosedError): closing is done.
        }
      },
    };
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

interface SocketOptions {
  host?: string;
  port?: number;
  path?: string;
}

function addressOf(client: NodeRedisLike): string {
  const shape = client as unknown as {
    options?: { url?: string; socket?: SocketOptions };
    _options?: { rootNodes?: { url?: string; socket?: SocketOptions }[] };
    masters?: { address?: string }[];
  };
  const socket = shape.options?.socket;
  if (socket?.path) return socket.path;
  if (socket?.host !== undefined || socket?.port !== undefined) return `${socket.host ?? 'localhost'}:${socket.port ?? 6379}`;
  if (shape.options?.url) return hostOfUrl(shape.options.url);
  // A cluster: its first configured node, as the contract says; v4 keeps its options
  // private, so there the first master it discovered (known once connected).
  const root = shape._options?.rootNodes?.[0];
  if (root?.socket?.host !== undefined || root?.socket?.port !== undefined) return `${root.socket.host ?? 'localhost'}:${root.socket.port ?? 6379}`;
  if (root?.url) return hostOfUrl(root.url);
  const master = shape.masters?.[0]?.address;
  if (master) return master.startsWith(':') ? `localhost${master}` : master;
  return 'cluster';
}

/** host:port of a redis:// URL, never its credentials. */
function hostOfUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '6379'}`;
  } catch {
    return 'unknown';
  }
}
