import type { NodeClient, NodeSubscriber, Reply, SubscriberEvents } from '../../src/clients/node-client.js';
import type { Script } from '../../src/scripts.js';
import { Connection, type Link } from './network.js';
import { isError, isStatus, type RedisReply } from './reply.js';
import type { Actor, Scheduler } from './scheduler.js';
import type { SimNode, SubscriberSession } from './sim-node.js';

/** An error reply from the simulated node, as a driver hands it over. */
export class SimReplyError extends Error {
  override readonly name = 'ReplyError';
}

/** The connection failed under a command (reset, node crash), as a driver reports it. */
export class SimConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** What one (client, node) driver needs of the simulated world. */
export interface SimLinkContext {
  readonly scheduler: Scheduler;
  /** The client process: replies and errors are delivered to it (held while it is paused). */
  readonly client: Actor;
  readonly node: SimNode;
  readonly link: Link;
  /** The wait before reconnect attempt `n` (1, 2, ...), true ms, as a driver's retry strategy. */
  readonly reconnectDelayMs: (attempt: number) => number;
  /** How scripts go out (see Scenario.scriptMode). @default 'evalsha-fallback' */
  readonly scriptMode?: 'evalsha-fallback' | 'eval';
  /** Hears every command a node runs for this link (timelines only; costs nothing when absent). */
  readonly trace?: (args: readonly string[], reply: RedisReply) => void;
}

/** A reply in the driver's shape: integers as numbers, bulk strings as strings, nil as null, errors as Errors. */
export function driverReply(reply: RedisReply): unknown {
  if (Array.isArray(reply)) return reply.map((item: RedisReply) => driverReply(item));
  if (reply === null || typeof reply !== 'object') return reply;
  if (isStatus(reply)) return reply.status;
  return new SimReplyError((reply as { error: string }).error);
}

type Callback = (reply: RedisReply | Error) => void;

/**
 * One connection of one client to one node, with a driver's manners: commands go out in
 * order on one FIFO connection; a reset or a crash fails every command in flight with a
 * ConnectionError and the driver reconnects in the background (`ready` is false
 * meanwhile, so the library votes against at once, as with ioredis's offline states);
 * scripts go out as EVALSHA and, on NOSCRIPT, once more as EVAL, as ioredis's
 * `defineCommand` does. Unlike ioredis, commands in flight at a reset are not re-sent
 * after the reconnect: they fail, and their effect on the node, if they reached it, stays.
 */
class DriverConnection {
  status: 'ready' | 'reconnecting' | 'closed' = 'ready';
  readonly connection: Connection;
  private nodeEpoch: number;
  private readonly pending = new Map<number, Callback>();
  private nextId = 0;
  private reconnectAttempt = 0;

  constructor(
    protected readonly ctx: SimLinkContext,
    private readonly onReconnect: () => void = () => {},
  ) {
    this.connection = new Connection(ctx.link, ctx.scheduler);
    this.nodeEpoch = ctx.node.epoch;
  }

  /** Sends one command; `callback` runs once, on the client, with the reply or a ConnectionError. */
  command(args: readonly string[], callback: Callback, onArrive?: () => void): void {
    const { scheduler, client, node } = this.ctx;
    if (this.status !== 'ready') {
      scheduler.after(0, () => callback(new SimConnectionError(`Connection is ${this.status === 'closed' ? 'closed' : 'reconnecting'}.`)), client);
      return;
    }
    const id = this.nextId++;
    this.pending.set(id, callback);
    const epoch = this.nodeEpoch;
    this.connection.send(
      'request',
      () => {
        if (!node.up || node.epoch !== epoch) return;
        onArrive?.();
        const reply = node.execute(args);
        this.ctx.trace?.(args, reply);
        this.reply(id, reply);
      },
      node.actor,
      false,
    );
  }

  /** Node side: sends a reply (or a push) back to the client. */
  protected reply(id: number, reply: RedisReply): void {
    this.connection.send(
      'reply',
      () => {
        const callback = this.pending.get(id);
        if (callback === undefined) return;
        this.pending.delete(id);
        callback(reply);
      },
      this.ctx.client,
      true,
    );
  }

  /** The connection dropped under us (reset, node crash): fail what is in flight, reconnect. */
  lost(reason: string): void {
    if (this.status === 'closed') return;
    this.connection.reset();
    this.status = 'reconnecting';
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const callback of failed) callback(new SimConnectionError(reason));
    this.scheduleReconnect();
  }

  close(): void {
    this.status = 'closed';
    this.connection.reset();
    this.pending.clear();
  }

  private scheduleReconnect(): void {
    const { scheduler, client, node, link } = this.ctx;
    this.reconnectAttempt += 1;
    scheduler.after(
      this.ctx.reconnectDelayMs(this.reconnectAttempt),
      () => {
        if (this.status !== 'reconnecting') return;
        if (!node.up || !link.open) {
          this.scheduleReconnect();
          return;
        }
        // The handshake costs a round trip.
        scheduler.after(2 * link.sampleMs(), () => {
          if (this.status !== 'reconnecting') return;
          if (!node.up || !link.open) {
            this.scheduleReconnect();
            return;
          }
          this.status = 'ready';
          this.reconnectAttempt = 0;
          this.nodeEpoch = node.epoch;
          this.onReconnect();
        }, client);
      },
      client,
    );
  }
}

/** The simulator's NodeClient: what `new Redlock([...])` takes for one simulated node. */
export class SimNodeClient implements NodeClient {
  readonly cluster = false;
  private readonly main: DriverConnection;
  private readonly subscribers = new Set<SimSubscriber>();

  constructor(private readonly ctx: SimLinkContext) {
    this.main = new DriverConnection(ctx);
  }

  get address(): string {
    return this.ctx.node.address;
  }

  /** The (client, node) link this driver's connections run over. */
  get link(): Link {
    return this.ctx.link;
  }

  get ready(): boolean {
    return this.main.status === 'ready';
  }

  /** ioredis's word for the state, for the library's NodeUnavailableError. */
  get status(): string {
    return this.main.status;
  }

  runScript(script: Script, keys: readonly string[], args: readonly string[], done: Reply): void {
    if (this.ctx.scriptMode === 'eval') {
      this.main.command(scriptCommand('EVAL', script.lua, keys, args), (reply) => answer(reply, done));
      return;
    }
    this.main.command(scriptCommand('EVALSHA', script.sha, keys, args), (reply) => {
      if (!(reply instanceof Error) && isError(reply) && reply.error.startsWith('NOSCRIPT')) {
        this.main.command(scriptCommand('EVAL', script.lua, keys, args), (second) => answer(second, done));
        return;
      }
      answer(reply, done);
    });
  }

  /** Any command, for the negative-control clients that bypass the library. */
  command(args: readonly string[], done: Reply): void {
    this.main.command(args, (reply) => answer(reply, done));
  }

  subscriber(events: SubscriberEvents): NodeSubscriber {
    const subscriber = new SimSubscriber(this.ctx, events, () => this.subscribers.delete(subscriber));
    this.subscribers.add(subscriber);
    return subscriber;
  }

  /** A reset of this client's connections to the node (a `reset_peer`). */
  reset(): void {
    this.main.lost('read ECONNRESET');
    for (const subscriber of this.subscribers) subscriber.lost('read ECONNRESET');
  }

  /** The node's process died: the client hears of it one latency later. */
  nodeCrashed(): void {
    this.ctx.scheduler.after(this.ctx.link.sampleMs(), () => {
      this.main.lost('Connection is closed.');
      for (const subscriber of this.subscribers) subscriber.lost('Connection is closed.');
    }, this.ctx.client);
  }
}

/** `verb body numkeys keys... args...`, built in one array. */
function scriptCommand(verb: 'EVAL' | 'EVALSHA', body: string, keys: readonly string[], args: readonly string[]): string[] {
  const command = new Array<string>(3 + keys.length + args.length);
  command[0] = verb;
  command[1] = body;
  command[2] = String(keys.length);
  for (let index = 0; index < keys.length; index += 1) command[3 + index] = keys[index] as string;
  for (let index = 0; index < args.length; index += 1) command[3 + keys.length + index] = args[index] as string;
  return command;
}

function answer(reply: RedisReply | Error, done: Reply): void {
  if (reply instanceof Error) {
    done(reply);
    return;
  }
  const value = driverReply(reply);
  if (value instanceof Error) done(value);
  else done(null, value);
}

/** A dedicated subscriber connection; resubscribes its channels after a reconnect, as ioredis does. */
class SimSubscriber implements NodeSubscriber, SubscriberSession {
  private readonly connection: DriverConnection;
  private readonly channels = new Set<string>();

  constructor(
    private readonly ctx: SimLinkContext,
    private readonly events: SubscriberEvents,
    private readonly onClose: () => void,
  ) {
    this.connection = new DriverConnection(ctx, () => {
      for (const channel of this.channels) this.send('SUBSCRIBE', channel).catch((error: Error) => this.events.error(error));
    });
  }

  subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
    return this.send('SUBSCRIBE', channel);
  }

  unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
    return this.send('UNSUBSCRIBE', channel);
  }

  close(): void {
    this.connection.close();
    this.ctx.node.unsubscribe(this);
    this.onClose();
  }

  push(channel: string, _message: string): void {
    this.connection.connection.send('reply', () => {
      if (this.connection.status === 'ready' && this.channels.has(channel)) this.events.message(channel);
    }, this.ctx.client, true);
  }

  lost(reason: string): void {
    if (this.connection.status !== 'ready') return;
    this.connection.lost(reason);
    this.events.error(new SimConnectionError(reason));
  }

  private send(verb: 'SUBSCRIBE' | 'UNSUBSCRIBE', channel: string): Promise<void> {
    const node = this.ctx.node;
    return new Promise((resolve, reject) => {
      this.connection.command(['PING'], (reply) => (reply instanceof Error ? reject(reply) : resolve()), () => {
        if (verb === 'SUBSCRIBE') node.subscribe(this, channel);
        else node.unsubscribe(this, channel);
      });
    });
  }
}
