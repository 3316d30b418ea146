import fengari from 'fengari';
import { keepStackSlots } from './fengari-stack.js';
import { LuaStrings } from './lua-strings.js';
import { errorReply, isError, isStatus, type RedisReply } from './reply.js';

const { lua, lauxlib, lualib, to_luastring } = fengari;
type LuaState = ReturnType<typeof lauxlib.luaL_newstate>;

/** Runs one command for a script's `redis.call` / `redis.pcall`, on the node running it. */
export type CommandRunner = (args: readonly string[]) => RedisReply;

/**
 * The library's Lua scripts, their real text, run in fengari (Lua 5.3 in JavaScript).
 * Redis embeds Lua 5.1; the differences the scripts can touch, and how they are bridged:
 *
 * - Numbers. 5.1 has only doubles; 5.3 has integers and floats, and fengari's integers
 *   are 32-bit. Replies: a Lua number becomes an integer reply truncated toward zero, as
 *   Redis does (so 5.3's float 3.0 and integer 3 both reply 3). Into Lua: Redis integer
 *   replies are pushed as integers when they fit 32 bits, else as floats (5.1's double).
 * - Numbers as command arguments. 5.1 formats 3 as "3"; 5.3 formats 3.0 as "3.0". A
 *   number passed to `redis.call` is formatted here as Redis 7 does (shortest round-trip
 *   form, integral values without ".0"), never by Lua's tostring.
 * - Booleans and nil. Reply false is a nil bulk, true is integer 1 (Redis's rule); a nil
 *   bulk from a command is false in Lua, not nil (so `if held then` works as in Redis).
 * - Tables. A table reply is an array up to its first nil; `{err = ...}` is an error reply
 *   and `{ok = ...}` a status reply, both ways (status replies reach Lua as `{ok = ...}`).
 * - Errors. `redis.call` raises a command's error reply as a Lua error, which ends the
 *   script with an error reply; `redis.pcall` returns it as an `{err = ...}` table.
 * - 5.1 globals the scripts could use: `unpack` is provided (5.3 moved it to
 *   `table.unpack`). Redis's cjson, struct, cmsgpack and bit libraries are not; the
 *   library's scripts use none of them.
 *
 * - Error text. Chunks are named "@user_script" as in Redis 7, so a runtime error reads
 *   "ERR user_script:5: attempt to compare two nil values"; Redis also appends
 *   " script: <sha>, on @user_script:5." to errors raised inside a script, which is left out.
 *
 * KEYS and ARGV are new tables set as globals before each run, as Redis does. One VM
 * serves every simulated node: the scripts keep no global state, and `runner` says which
 * node's keyspace a call goes to. Each script text is compiled once per VM and kept as a
 * closure; every string crosses into and out of Lua through `LuaStrings`, converted once.
 */
export class LuaVm {
  private readonly L: LuaState = lauxlib.luaL_newstate();
  private readonly compiled = new Map<string, number>();
  private runner: CommandRunner | undefined;
  private readonly strings = new LuaStrings(this.L);
  /** Registry reference of the string pool table. */
  private readonly poolRef: number;

  constructor() {
    keepStackSlots();
    const L = this.L;
    lualib.luaL_openlibs(L);
    this.strings.newPool();
    this.poolRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_newtable(L);
    for (const [name, raise] of [['call', true], ['pcall', false]] as const) {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.poolRef);
      lua.lua_pushcclosure(L, (state) => this.call(state, raise), 1);
      lua.lua_setfield(L, -2, to_luastring(name));
    }
    lua.lua_setglobal(L, to_luastring('redis'));
    lua.lua_getglobal(L, to_luastring('table'));
    lua.lua_getfield(L, -1, to_luastring('unpack'));
    lua.lua_setglobal(L, to_luastring('unpack'));
    lua.lua_settop(L, 0);
  }

  /** Compiles `source` (once per text); returns an error reply when it does not compile. */
  compile(source: string): RedisReply | undefined {
    if (this.compiled.has(source)) return undefined;
    const L = this.L;
    const text = to_luastring(source);
    if (lauxlib.luaL_loadbuffer(L, text, text.length, CHUNK_NAME) !== lua.LUA_OK) {
      const message = lua.lua_tojsstring(L, -1);
      lua.lua_settop(L, 0);
      return errorReply(`ERR Error compiling script (new function): ${message}`);
    }
    this.compiled.set(source, lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX));
    return undefined;
  }

  /** Runs a compiled script with its KEYS and ARGV against `runner`'s keyspace. */
  run(source: string, keys: readonly string[], args: readonly string[], runner: CommandRunner): RedisReply {
    return this.runSpans(source, keys, 0, keys.length, args, 0, args.length, runner);
  }

  /**
   * Runs a compiled script whose KEYS are `keys[keysFrom..keysTo)` and ARGV `args[argsFrom..argsTo)`:
   * a node hands over the EVAL command's own argument array, so no slice of it is copied.
   */
  runSpans(
    source: string,
    keys: readonly string[],
    keysFrom: number,
    keysTo: number,
    args: readonly string[],
    argsFrom: number,
    argsTo: number,
    runner: CommandRunner,
  ): RedisReply {
    const compileError = this.compile(source);
    if (compileError !== undefined) return compileError;
    const L = this.L;
    const ref = this.compiled.get(source) as number;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.poolRef);
    this.setGlobalArray('KEYS', keys, keysFrom, keysTo);
    this.setGlobalArray('ARGV', args, argsFrom, argsTo);
    lua.lua_settop(L, 0);
    this.runner = runner;
    try {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
      if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
        const message = lua.lua_type(L, -1) === lua.LUA_TSTRING ? lua.lua_tojsstring(L, -1) : 'script error';
        return errorReply(message.startsWith('ERR') || /^[A-Z]+ /.test(message) ? message : `ERR ${message}`);
      }
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.poolRef);
      return this.toReply(RESULT_SLOT);
    } finally {
      this.runner = undefined;
      lua.lua_settop(L, 0);
    }
  }

  /** Sets global `name` to a new array of `items[from..to)` (the globals table at slot 1, the pool at 2). */
  private setGlobalArray(name: string, items: readonly string[], from: number, to: number): void {
    const L = this.L;
    this.strings.push(name, 2);
    lua.lua_createtable(L, to - from, 0);
    for (let index = from; index < to; index += 1) {
      this.strings.push(items[index] as string, 2);
      lua.lua_rawseti(L, -2, index - from + 1);
    }
    lua.lua_rawset(L, 1);
  }

  private call(L: LuaState, raise: boolean): number {
    const count = lua.lua_gettop(L);
    if (count === 0) return this.fail(L, raise, 'ERR Please specify at least one argument for this redis lib call');
    const args = new Array<string>(count);
    for (let index = 1; index <= count; index += 1) {
      const type = lua.lua_type(L, index);
      if (type === lua.LUA_TSTRING) args[index - 1] = this.strings.read(index);
      else if (type === lua.LUA_TNUMBER) args[index - 1] = formatNumber(lua.lua_tonumber(L, index));
      else return this.fail(L, raise, 'ERR Lua redis lib command arguments must be strings or integers');
    }
    const runner = this.runner;
    if (runner === undefined) return this.fail(L, raise, 'ERR redis.call outside a script');
    const reply = runner(args);
    if (isError(reply)) return this.fail(L, raise, reply.error);
    this.push(L, reply);
    // The reply in the first argument's slot and the rest dropped: on return fengari
    // deletes every slot from the top down to the result's, so this leaves it two to
    // delete and refill instead of one per argument (see fengari-stack.ts).
    lua.lua_replace(L, 1);
    lua.lua_settop(L, 1);
    return 1;
  }

  private fail(L: LuaState, raise: boolean, message: string): number {
    if (raise) {
      this.strings.push(message, POOL_UPVALUE);
      lua.lua_error(L);
    }
    this.pushMarked(L, 'err', message);
    return 1;
  }

  /** Pushes a reply as Lua sees it, inside `redis.call` (the pool is its upvalue there). */
  private push(L: LuaState, reply: RedisReply): void {
    if (reply === null) lua.lua_pushboolean(L, false);
    else if (typeof reply === 'string') this.strings.push(reply, POOL_UPVALUE);
    else if (typeof reply === 'number') {
      if (Number.isInteger(reply) && reply >= -2_147_483_648 && reply <= 2_147_483_647) lua.lua_pushinteger(L, reply);
      else lua.lua_pushnumber(L, reply);
    } else if (Array.isArray(reply)) {
      lua.lua_createtable(L, reply.length, 0);
      for (let index = 0; index < reply.length; index += 1) {
        this.push(L, reply[index] as RedisReply);
        lua.lua_rawseti(L, -2, index + 1);
      }
    } else if (isStatus(reply)) this.pushMarked(L, 'ok', reply.status);
    else this.pushMarked(L, 'err', (reply as { error: string }).error);
  }

  /** Pushes `{[field] = text}`: a status or error reply as Lua sees it. */
  private pushMarked(L: LuaState, field: 'ok' | 'err', text: string): void {
    lua.lua_createtable(L, 0, 1);
    this.strings.push(field, POOL_UPVALUE);
    this.strings.push(text, POOL_UPVALUE);
    lua.lua_rawset(L, -3);
  }

  /** The reply of the value at absolute stack `index` of the main stack (after the run: the pool at POOL_SLOT). */
  private toReply(index: number): RedisReply {
    const L = this.L;
    const type = lua.lua_type(L, index);
    if (type === lua.LUA_TNUMBER) return Math.trunc(lua.lua_tonumber(L, index));
    if (type === lua.LUA_TSTRING) return this.strings.read(index);
    if (type === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, index) ? 1 : null;
    if (type !== lua.LUA_TTABLE) return null;
    const error = this.markedField(index, 'err');
    if (error !== undefined) return errorReply(error);
    const status = this.markedField(index, 'ok');
    if (status !== undefined) return { status };
    const items: RedisReply[] = [];
    for (let i = 1; ; i += 1) {
      if (lua.lua_rawgeti(L, index, i) === lua.LUA_TNIL) {
        lua.lua_pop(L, 1);
        break;
      }
      items.push(this.toReply(lua.lua_gettop(L)));
      lua.lua_pop(L, 1);
    }
    return items;
  }

  /** The string in field `field` of the table at absolute `index`, if it is one (Redis reads it raw). */
  private markedField(index: number, field: 'ok' | 'err'): string | undefined {
    const L = this.L;
    this.strings.push(field, POOL_SLOT);
    const value = lua.lua_rawget(L, index) === lua.LUA_TSTRING ? this.strings.read(-1) : undefined;
    lua.lua_pop(L, 1);
    return value;
  }
}

// Redis 7 names every script chunk "@user_script", so runtime errors read "user_script:5: ...".
const CHUNK_NAME = to_luastring('@user_script');

/**
 * After a run, its result is at slot 1 of the main stack and the pool is pushed above it.
 * The stack is otherwise left empty between runs: fengari's stack is a JS array that V8
 * turns into a slow dictionary once it has grown past 64 slots and is emptied again, which
 * made every Lua instruction half as fast again; scripts this small never grow it from the
 * empty base.
 */
const RESULT_SLOT = 1;
const POOL_SLOT = 2;
/** Inside `redis.call`, the pool is the closure's one upvalue. */
const POOL_UPVALUE = lua.lua_upvalueindex(1);
/** The registry slot of the globals table (Lua 5.3's LUA_RIDX_GLOBALS). */
const LUA_RIDX_GLOBALS = 2;

/** A number argument as Redis 7 formats it: shortest round-trip form, no ".0" on integers. */
function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}
