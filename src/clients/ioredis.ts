import type { Cluster, Redis } from 'ioredis';
import type { Runtime } from '../runtime.js';
import type { Script } from '../scripts.js';
import type { NodeClient, NodeSubscriber, Reply, SubscriberEvents } from './node-client.js';

/** One independent Redis master (or one Redis Cluster), reached through an ioredis client. */
export type IoredisClient = Redis | Cluster;

// ioredis states in which a command would wait in the offline queue for a reconnect
// that may never come; such a node votes against at once instead.
// ('end' is not among them: ioredis refuses a command at once then, with its own error.)
const DOWN_STATUSES = new Set(['reconnecting', 'close']);

type ScriptCall = (shaOrLua: string, keyCount: number, ...keysArgsAndCallback: unknown[]) => Promise<unknown>;

interface Batch {
  evalsha: ScriptCall;
  eval: ScriptCall;
  exec(): Promise<unknown>;
}

/** Redis or Cluster from ioredis, told apart from other drivers by the methods we call. */
export function isIoredisClient(client: object): client is IoredisClient {
  const c = client as Record<string, unknown>;
  return typeof c['evalsha'] === 'function' && typeof c['duplicate'] === 'function' && typeof c['pipeline'] === 'function' && typeof c['status'] === 'string';
}

/**
 * NodeClient over an ioredis Redis or Cluster client.
 *
 * Commands sent in the same tick after the first go to the server as one pipeline (one
 * write, one read), which is what lets many concurrent lockers share a connection
 * cheaply, while a lone command pays no pipeline overhead. A client that auto-pipelines
 * already, and a Cluster client (whose pipelines must not cross slots), get each command
 * directly. A script goes out as EVAL until the server has run it on this connection,
 * then as EVALSHA; a NOSCRIPT answer (a flushed script cache) is retried once as EVAL.
 * Sending EVAL first after each (re)connect, rather than EVALSHA and a fallback, keeps the
 * order of two scripts: a take-back must never overtake the acquire it takes back.
 */
export class IoredisNodeClient implements NodeClient {
  readonly address: string;
  readonly cluster: boolean;
  /** The prefix ioredis adds to every key, and so to the release channels the server publishes on. */
  readonly keyPrefix: string;
  private readonly batching: boolean;
  private batch: Batch | undefined;
  private busyThisTick = false;
  // SHA1s the server is known to have cached since the client's last (re)connect.
  private readonly cached: Set<string>;

  constructor(
    readonly client: IoredisClient,
    private readonly runtime: Runtime,
  ) {
    this.cluster = (client as { isCluster?: boolean }).isCluster === true;
    this.address = addressOf(client, this.cluster);
    const options = (client as { options?: { enableAutoPipelining?: boolean; keyPrefix?: string; redisOptions?: { keyPrefix?: string } } }).options;
    this.keyPrefix = options?.keyPrefix ?? options?.redisOptions?.keyPrefix ?? '';
    this.batching = !this.cluster && options?.enableAutoPipelining !== true;
    this.cached = scriptCacheOf(client);
  }

  /** ioredis's connection status (`ready`, `reconnecting`, ...). */
  get status(): string {
    return this.client.status;
  }

  get ready(): boolean {
    return !DOWN_STATUSES.has(this.client.status);
  }

  runScript(script: Script, keys: readonly string[], args: readonly string[], done: Reply): void {
    // The first command of a tick goes straight out; the ones that follow it in the same
    // tick share one pipeline, written after it, so their order on the wire is kept.
    if (!this.batching || !this.busyThisTick) {
      if (this.batching) {
        this.busyThisTick = true;
        this.runtime.defer(this.flush);
      }
      const cached = this.cached.has(script.sha);
      const call = (cached ? this.client.evalsha : this.client.eval).bind(this.client) as unknown as ScriptCall;
      call(cached ? script.sha : script.lua, keys.length, ...keys, ...args).then(
        (reply) => this.answer(script, null, reply, done),
        (error: unknown) => (cached ? this.fallBack(script, keys, args, asError(error), done) : done(asError(error))),
      );
      return;
    }
    this.batch ??= this.client.pipeline() as unknown as Batch;
    const cached = this.cached.has(script.sha);
    const queue = cached ? this.batch.evalsha : this.batch.eval;
    queue.call(this.batch, cached ? script.sha : script.lua, keys.length, ...keys, ...args, (error: Error | null, reply: unknown) => {
      if (error && cached) this.fallBack(script, keys, args, error, done);
      else this.answer(script, error, reply, done);
    });
  }

  private answer(script: Script, error: Error | null, reply: unknown, done: Reply): void {
    if (!error) this.cached.add(script.sha);
    done(error, reply);
  }

  subscriber(events: SubscriberEvents): NodeSubscriber {
    // No offline queue: while the node is down, SUBSCRIBE and UNSUBSCRIBE commands would
    // pile up without bound. The wanted channels are kept here instead (at most the
    // notifier's channel limit) and subscribed in one command whenever the connection is
    // ready, which also restores them after a reconnect.
    const options = { enableOfflineQueue: false, autoResubscribe: false };
    const subscriber = this.cluster ? (this.client as Cluster).duplicate(undefined, options) : (this.client as Redis).duplicate(options);
    const wanted = new Set<string>();
    const send = (command: 'subscribe' | 'unsubscribe', channels: string[]): Promise<void> => {
      if (subscriber.status !== 'ready' || channels.length === 0) return Promise.resolve();
      return subscriber[command](...channels).then(() => undefined);
    };
    // Errors of a subscriber only cost notifications; an unhandled 'error' event would crash.
    subscriber.on('error', (error: Error) => events.error(error));
    subscriber.on('message', (channel: string) => events.message(channel));
    subscriber.on('ready', () => {
      send('subscribe', [...wanted]).catch((error: Error) => events.error(error));
    });
    // A subscriber only serves waits, which hold their own timers: its socket must not
    // keep the process alive once the caller's own clients are closed.
    subscriber.on('connect', () => (subscriber as { stream?: { unref?: () => void } }).stream?.unref?.());
    return {
      subscribe: (channel) => {
        wanted.add(channel);
        return send('subscribe', [channel]);
      },
      unsubscribe: (channel) => {
        wanted.delete(channel);
        return send('unsubscribe', [channel]);
      },
      // disconnect(), not quit(): a subscriber to a dead node would wait for its reconnect.
      close: () => subscriber.disconnect(),
    };
  }

  private fallBack(script: Script, keys: readonly string[], args: readonly string[], error: Error, done: Reply): void {
    if (!error.message.startsWith('NOSCRIPT')) {
      done(error);
      return;
    }
    this.cached.delete(script.sha);
    const call = this.client.eval.bind(this.client) as unknown as ScriptCall;
    call(script.lua, keys.length, ...keys, ...args).then(
      (reply) => this.answer(script, null, reply, done),
      (evalError: unknown) => done(asError(evalError)),
    );
  }

  private readonly flush = (): void => {
    const batch = this.batch;
    this.batch = undefined;
    this.busyThisTick = false;
    // Every command's error reaches its own callback; exec's rejection repeats the first.
    batch?.exec().catch(() => undefined);
  };
}

// One cache per client, shared by every adapter over it, with one 'ready' listener: a
// reconnect may mean a restarted server, whose script cache is empty.
const scriptCaches = new WeakMap<IoredisClient, Set<string>>();

function scriptCacheOf(client: IoredisClient): Set<string> {
  let cache = scriptCaches.get(client);
  if (!cache) {
    const created = new Set<string>();
    client.on('ready', () => created.clear());
    scriptCaches.set(client, created);
    cache = created;
  }
  return cache;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

type StartupNode = string | number | { host?: string; port?: number | string } | undefined;

function addressOf(client: IoredisClient, cluster: boolean): string {
  if (cluster) {
    // A Cluster is named by its first configured node: the one the caller wrote down.
    const first = (client as unknown as { startupNodes?: StartupNode[] }).startupNodes?.[0];
    if (typeof first === 'string') return first.includes(':') ? first.replace(/^redis:\/\//, '') : `${first}:6379`;
    if (typeof first === 'number') return `localhost:${first}`;
    if (first && typeof first === 'object') return `${first.host ?? 'localhost'}:${first.port ?? 6379}`;
    return 'cluster';
  }
  const options = (client as { options?: { host?: string; port?: number; path?: string } }).options;
  if (options?.path) return options.path;
  return `${options?.host ?? 'localhost'}:${options?.port ?? 6379}`;
}
