import { createHash } from 'node:crypto';
import type { ClockModel } from './clock-model.js';
import { commandName } from './command-name.js';
import { Keyspace } from './keyspace.js';
import type { LuaVm } from './lua-vm.js';
import { errorReply, type RedisReply } from './reply.js';
import { Actor } from './scheduler.js';

/** Whether a node keeps its data over a crash. */
export type Persistence = 'none' | 'aof-always';

/** A subscriber connection as the node sees it. */
export interface SubscriberSession {
  /** Sends one pub/sub message down this connection. */
  push(channel: string, message: string): void;
}

const NOSCRIPT = errorReply('NOSCRIPT No matching script. Please use EVAL.');

/**
 * One simulated Redis master: a keyspace expiring by this node's own wall clock, a
 * script cache, pub/sub, and a process that can crash, restart and be paused.
 *
 * Crash: the process dies, every connection to it drops, and the script cache is gone.
 * With `aof-always` every write that was applied is on disk before it is acknowledged,
 * so the keyspace comes back whole (keys keep their absolute expiry, as Redis 7's AOF
 * writes PXAT); with `none` it comes back empty. Pause (SIGSTOP): requests wait and run
 * on resume, while the wall clock, and so expiry, goes on.
 */
export class SimNode {
  readonly actor: Actor;
  readonly keyspace: Keyspace;
  up = true;
  /** Incremented by each crash: connections of an older epoch are dead. */
  epoch = 0;
  /** Commands run, scripts counted as one. */
  commandCount = 0;
  private readonly scripts = new Map<string, string>();
  private readonly channels = new Map<string, Set<SubscriberSession>>();

  constructor(
    readonly index: number,
    readonly clock: ClockModel,
    private readonly lua: LuaVm,
    public persistence: Persistence = 'none',
  ) {
    this.actor = new Actor(`node ${index}`);
    this.keyspace = new Keyspace(() => this.clock.wallMs());
  }

  get address(): string {
    return `sim-node-${this.index}`;
  }

  /** One request from a client connection. */
  execute(args: readonly string[]): RedisReply {
    this.commandCount += 1;
    const name = commandName(args[0]);
    if (name === 'EVAL' || name === 'EVALSHA') return this.evaluate(name, args);
    if (name === 'SCRIPT' && (args[1] ?? '').toUpperCase() === 'LOAD' && args.length === 3) {
      const source = args[2] as string;
      const compileError = this.lua.compile(source);
      if (compileError !== undefined) return compileError;
      const sha = sha1(source);
      this.scripts.set(sha, source);
      return sha;
    }
    return this.command(args, Math.floor(this.clock.wallMs()));
  }

  subscribe(session: SubscriberSession, channel: string): void {
    let sessions = this.channels.get(channel);
    if (sessions === undefined) this.channels.set(channel, (sessions = new Set()));
    sessions.add(session);
  }

  unsubscribe(session: SubscriberSession, channel?: string): void {
    if (channel !== undefined) {
      this.channels.get(channel)?.delete(session);
      return;
    }
    for (const sessions of this.channels.values()) sessions.delete(session);
  }

  /** The process dies; `up` stays false until restart. */
  crash(): void {
    this.up = false;
    this.epoch += 1;
    this.scripts.clear();
    this.channels.clear();
    if (this.persistence === 'none') this.keyspace.clear();
  }

  restart(): void {
    this.up = true;
  }

  private evaluate(name: string, args: readonly string[]): RedisReply {
    if (args.length < 3) return errorReply(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
    const numKeys = Number(args[2]);
    if (!Number.isInteger(numKeys) || numKeys < 0) return errorReply('ERR value is not an integer or out of range');
    if (numKeys > args.length - 3) return errorReply("ERR Number of keys can't be greater than number of args");
    let source: string | undefined;
    if (name === 'EVALSHA') {
      source = this.scripts.get((args[1] as string).toLowerCase());
      if (source === undefined) return NOSCRIPT;
    } else {
      source = args[1] as string;
      const compileError = this.lua.compile(source);
      if (compileError !== undefined) return compileError;
      // EVAL caches the script, so a later EVALSHA of it finds it.
      this.scripts.set(sha1(source), source);
    }
    // Redis 7 samples the time once per script: every expiry inside it sees one instant.
    const nowMs = Math.floor(this.clock.wallMs());
    const keysEnd = 3 + numKeys;
    return this.lua.runSpans(source, args, 3, keysEnd, args, keysEnd, args.length, (call) => this.command(call, nowMs));
  }

  private command(args: readonly string[], nowMs: number): RedisReply {
    const name = commandName(args[0]);
    if (name === 'PUBLISH') {
      if (args.length !== 3) return errorReply("ERR wrong number of arguments for 'publish' command");
      const sessions = this.channels.get(args[1] as string);
      if (sessions === undefined) return 0;
      for (const session of sessions) session.push(args[1] as string, args[2] as string);
      return sessions.size;
    }
    if (name === 'PING') return { status: 'PONG' };
    return this.keyspace.execute(args, nowMs, name);
  }
}

const shaCache = new Map<string, string>();

/** The SHA1 of a script text, as EVALSHA names it. */
export function sha1(source: string): string {
  let sha = shaCache.get(source);
  if (sha === undefined) {
    sha = createHash('sha1').update(source).digest('hex');
    if (shaCache.size > 1024) shaCache.clear();
    shaCache.set(source, sha);
  }
  return sha;
}
