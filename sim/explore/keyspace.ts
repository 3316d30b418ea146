import { commandName } from './command-name.js';
import { errorReply, OK, type RedisReply } from './reply.js';

interface Entry {
  value: string;
  /** Expiry on the node's own wall clock (whole ms), Infinity for none. */
  expireAtMs: number;
}

const NOT_INTEGER = errorReply('ERR value is not an integer or out of range');
const SYNTAX = errorReply('ERR syntax error');

/**
 * One node's keys, with Redis 7's expiry rules on the node's own wall clock: the time is
 * read as whole ms (`mstime()`), a key with expiry `when` is gone once now > when, and a
 * script sees one time for its whole run. Expired keys are dropped when touched (lazy
 * expiry), which is all a client can observe.
 *
 * Commands: the ones the library's scripts and the negative-control clients call (GET,
 * SET with PX/EX/NX/XX, DEL, PEXPIRE, PTTL, EXISTS, INCR). Anything else is an error
 * reply, so a script calling something new fails loudly here instead of passing.
 */
export class Keyspace {
  private readonly entries = new Map<string, Entry>();

  /** @param nowMs the node's wall clock, ms (fractional; floored as Redis does). */
  constructor(private readonly nowMs: () => number) {}

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  /** Every live key with its remaining ms (Infinity: no expiry), for the timeline and tests. */
  snapshot(nowMs = Math.floor(this.nowMs())): Map<string, { value: string; ttlMs: number }> {
    const out = new Map<string, { value: string; ttlMs: number }>();
    for (const [key, entry] of this.entries) {
      if (nowMs > entry.expireAtMs) continue;
      out.set(key, { value: entry.value, ttlMs: entry.expireAtMs - nowMs });
    }
    return out;
  }

  /**
   * Runs one command (name case-insensitive), with `nowMs` fixed for its whole run.
   * `name` is args[0] upper-cased, when the caller has it already.
   */
  execute(args: readonly string[], nowMs = Math.floor(this.nowMs()), name = commandName(args[0])): RedisReply {
    switch (name) {
      case 'GET':
        if (args.length !== 2) return wrongArity(name);
        return this.live(args[1] as string, nowMs)?.value ?? null;
      case 'SET':
        return this.set(args, nowMs);
      case 'DEL': {
        if (args.length < 2) return wrongArity(name);
        let count = 0;
        for (const key of args.slice(1)) {
          if (this.live(key, nowMs) !== undefined) {
            this.entries.delete(key);
            count += 1;
          }
        }
        return count;
      }
      case 'EXISTS': {
        if (args.length < 2) return wrongArity(name);
        return args.slice(1).filter((key) => this.live(key, nowMs) !== undefined).length;
      }
      case 'PEXPIRE': {
        if (args.length !== 3) return wrongArity(name);
        const ms = parseInteger(args[2] as string);
        if (ms === undefined) return NOT_INTEGER;
        const entry = this.live(args[1] as string, nowMs);
        if (entry === undefined) return 0;
        // Redis deletes a key given a non-positive expiry at once.
        if (ms <= 0) this.entries.delete(args[1] as string);
        else entry.expireAtMs = nowMs + ms;
        return 1;
      }
      case 'PTTL': {
        if (args.length !== 2) return wrongArity(name);
        const entry = this.live(args[1] as string, nowMs);
        if (entry === undefined) return -2;
        return entry.expireAtMs === Number.POSITIVE_INFINITY ? -1 : entry.expireAtMs - nowMs;
      }
      case 'INCR': {
        if (args.length !== 2) return wrongArity(name);
        const key = args[1] as string;
        const entry = this.live(key, nowMs);
        const current = entry === undefined ? 0 : parseInteger(entry.value);
        if (current === undefined) return NOT_INTEGER;
        const next = current + 1;
        if (entry === undefined) this.entries.set(key, { value: String(next), expireAtMs: Number.POSITIVE_INFINITY });
        else entry.value = String(next);
        return next;
      }
      default:
        return errorReply(`ERR unknown command '${args[0] ?? ''}'`);
    }
  }

  private live(key: string, nowMs: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (nowMs > entry.expireAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private set(args: readonly string[], nowMs: number): RedisReply {
    if (args.length < 3) return wrongArity('SET');
    const key = args[1] as string;
    const value = args[2] as string;
    let expireAtMs = Number.POSITIVE_INFINITY;
    let nx = false;
    let xx = false;
    let expirySet = false;
    for (let index = 3; index < args.length; index += 1) {
      const option = (args[index] as string).toUpperCase();
      if (option === 'NX' && !xx) nx = true;
      else if (option === 'XX' && !nx) xx = true;
      else if ((option === 'PX' || option === 'EX') && !expirySet && index + 1 < args.length) {
        const amount = parseInteger(args[index + 1] as string);
        if (amount === undefined) return NOT_INTEGER;
        if (amount <= 0) return errorReply("ERR invalid expire time in 'set' command");
        expireAtMs = nowMs + (option === 'PX' ? amount : amount * 1000);
        expirySet = true;
        index += 1;
      } else return SYNTAX;
    }
    const exists = this.live(key, nowMs) !== undefined;
    if ((nx && exists) || (xx && !exists)) return null;
    this.entries.set(key, { value, expireAtMs });
    return OK;
  }

}

function wrongArity(name: string): RedisReply {
  return errorReply(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
}

/** Redis's string-to-long rule: an optional minus and digits, no leading zeros or spaces. */
function parseInteger(text: string): number | undefined {
  if (!/^-?(0|[1-9][0-9]{0,17})$/.test(text)) return undefined;
  return Number(text);
}
