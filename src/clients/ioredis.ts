import type { Cluster, Redis } from 'ioredis';
import type { Runtime } from '../runtime.js';
import { isPlainCommand } from '../plain-command.js';
import type { Script } from '../scripts.js';
import type { NodeClient, NodeSubscriber, Reply, SubscriberEvents } from './node-client.js';

/** One independent Redis master (or one Redis Cluster), reached through an ioredis client. */
export type IoredisClient = Redis | Cluster;

// ioredis states in which a command would wait in the offline queue for a reconnect
// that may never come; such a node votes against at once instead.
// ('end' is not among them: ioredis refuses a command at once then, with its own error.)
const DOWN_STATUSES = new Set(['reconnecting', 'close']);

type ScriptCall = (shaOrLua: string, keyCount: number, ...keysArgsAndCallback: unknown[]) => Promise<unknown>;
type CommandCall = (...argsAndCallback: unknown[]) => Promise<unknown>;

/** A command waiting for the end of the tick. */
interface Queued {
  readonly script: Script;
  readonly keys: readonly string[];
  readonly args: readonly string[];
  readonly done: Reply;
}

/** The part of a connection's socket a tick's batch uses (Node's Writable). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Redis or Cluster from ioredis, told apart from other drivers by the methods we call. */
export function isIoredisClient(client: object): client is IoredisClient {
  const c = client as Record<string, unknown>;
  return typeof c['evalsha'] === 'function' && typeof c['duplicate'] === 'function' && typeof c['pipeline'] === 'function' && typeof c['status'] === 'string';
}

/**
 * NodeClient over an ioredis Redis or Cluster client.
 *
 * The commands sent to a node in one tick leave at its end (one `defer` for every node),
 * in one write: each is sent as itself while the connection's socket is corked, and the
 * uncork hands them to the kernel in one `writev`. That is what lets many concurrent
 * lockers share a connection cheaply, without an ioredis Pipeline per tick (its objects,
 * its promise and its reply bookkeeping doubled the GC time per cycle at 64 lockers). A
 * client that auto-pipelines already, and a Cluster client (one client, many sockets),
 * get each command directly. A script goes out as EVAL until the server has run it on this connection,
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
  /** The commands of this tick, sent at its end. */
  private queued: Queued[] = [];
  // SHA1s the server is known to have cached since the client's last (re)connect.
  private readonly cached: Set<string>;
  private readonly tick: TickEnd;

  constructor(
    readonly client: IoredisClient,
    private readonly runtime: Runtime,
  ) {
    this.cluster = (client as { isCluster?: boolean }).isCluster === true;
    this.address = addressOf(client, this.cluster);
    const options = (client as { options?: { enableAutoPipelining?: boolean; keyPrefix?: string; redisOptions?: { keyPrefix?: string } } }).options;
    this.keyPrefix = options?.keyPrefix ?? options?.redisOptions?.keyPrefix ?? '';
    this.batching = !this.cluster && options?.enableAutoPipelining !== true;
    this.tick = tickEndFor(runtime);
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
    if (!this.batching) {
      this.sendDirect(script, keys, args, done);
      return;
    }
    // The commands of one tick leave together at its end, in the order they were sent.
    if (this.queued.length === 0) this.tick.add(this);
    this.queued.push({ script, keys, args, done });
  }

  private sendDirect(script: Script, keys: readonly string[], args: readonly string[], done: Reply): void {
    if (isPlainCommand(script)) {
      (this.client.call as unknown as CommandCall).call(this.client, script.command, script.commandArgs(keys, args)).then(
        (reply) => done(null, reply),
        (error: unknown) => done(asError(error)),
      );
      return;
    }
    // ioredis flattens array arguments: no spread copies of the keys and args.
    const cached = this.cached.has(script.sha);
    ((cached ? this.client.evalsha : this.client.eval) as unknown as ScriptCall).call(this.client, cached ? script.sha : script.lua, keys.length, keys, args).then(
      (reply) => this.answer(script, null, reply, done),
      (error: unknown) => (cached ? this.fallBack(script, keys, args, asError(error), done) : done(asError(error))),
    );
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
    // lazyConnect: false, because a caller's lazyConnect client would leave its duplicate
    // unconnected for good: with no offline queue, nothing it is sent ever connects it.
    const options = { enableOfflineQueue: false, autoResubscribe: false, lazyConnect: false };
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
    (this.client.eval as unknown as ScriptCall).call(this.client, script.lua, keys.length, keys, args).then(
      (reply) => this.answer(script, null, reply, done),
      (evalError: unknown) => done(asError(evalError)),
    );
  }


  /** Ends this tick: sends its commands in one write. Called by TickEnd. */
  flush(): void {
    const queued = this.queued;
    if (queued.length === 0) return;
    this.queued = [];
    // A lone command needs no cork. The socket is there whenever ioredis writes at once
    // (status ready); otherwise the commands go to ioredis's offline queue, uncorked.
    const socket = queued.length > 1 ? (this.client as { stream?: Partial<Corkable> }).stream : undefined;
    const corked = typeof socket?.cork === 'function' && typeof socket.uncork === 'function' ? (socket as Corkable) : undefined;
    corked?.cork();
    try {
      for (const { script, keys, args, done } of queued) {
        try {
          this.sendDirect(script, keys, args, done);
        } catch (error) {
          // A driver that throws instead of rejecting still answers once, and the other
          // commands and nodes of this tick are still sent.
          done(asError(error));
        }
      }
    } finally {
      corked?.uncork();
    }
  }
}

/**
 * The end of the current tick for every adapter of one runtime: a fan-out touches all
 * its nodes in the same tick, so one `defer` flushes them all, instead of one per node.
 */
class TickEnd {
  private readonly busy: IoredisNodeClient[] = [];
  private scheduled = false;

  constructor(private readonly defer: Runtime['defer']) {}

  add(client: IoredisNodeClient): void {
    this.busy.push(client);
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(this.end);
  }

  private readonly end = (): void => {
    this.scheduled = false;
    // In the order the nodes were first sent to (node order for a fan-out), as each
    // command would have left without the batching.
    const busy = this.busy;
    for (let index = 0; index < busy.length; index += 1) busy[index]?.flush();
    busy.length = 0;
  };
}

// One TickEnd per defer function, so the adapters of every Redlock on NODE_RUNTIME share one.
const tickEnds = new WeakMap<Runtime['defer'], TickEnd>();

function tickEndFor(runtime: Runtime): TickEnd {
  let tick = tickEnds.get(runtime.defer);
  if (!tick) {
    tick = new TickEnd(runtime.defer);
    tickEnds.set(runtime.defer, tick);
  }
  return tick;
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
