import fengari from 'fengari';

const { lua, to_luastring } = fengari;
type LuaState = ReturnType<typeof fengari.lauxlib.luaL_newstate>;

/** Most strings kept converted at once; past it the oldest slots are reused. */
export const LUA_STRINGS_MAX = 8192;

/**
 * JS strings and Lua strings, each converted once. A Lua string is immutable bytes, and
 * fengari copies and re-encodes them on every push and decodes them on every read, which
 * was most of a script's cost: the keys, the lock value and the command names of one
 * attempt cross the boundary some ten times on each of five nodes.
 *
 * So each JS string is pushed from a pool table (a slot per string, filled once), which
 * hands Lua the same string object every time: no copy, its table-key hash computed once,
 * and `held ~= ARGV[1]` an identity compare. The other way, a Lua string read back is
 * decoded once per string object (a script's constants such as 'GET' are one object for
 * the life of the compiled script) and looked up by identity afterwards.
 *
 * The pool is bounded (a ring of slots): values of finished attempts are dropped as new
 * ones come. What the pool holds changes no result, only how much converting is done, so
 * it is no state a run could depend on.
 */
export class LuaStrings {
  /** JS string → its slot in the pool table. */
  private readonly slots = new Map<string, number>();
  /** Slot → the JS string it holds, to forget it when the slot is reused. */
  private readonly held: (string | undefined)[] = [];
  private nextSlot = 1;
  /** Lua string bytes (by identity) → their JS string; cleared when full, as the pool's slots are reused. */
  private readonly decoded = new Map<Uint8Array, string>();

  constructor(private readonly L: LuaState) {}

  /** Creates the pool table and leaves it on the stack (the caller stores it where `push` will find it). */
  newPool(): void {
    lua.lua_createtable(this.L, LUA_STRINGS_MAX, 0);
  }

  /**
   * Pushes `value` as a Lua string. `poolIndex` is where the pool table is in the current
   * frame: an absolute stack index or an upvalue's pseudo-index, not one relative to the top.
   */
  push(value: string, poolIndex: number): void {
    const L = this.L;
    let slot = this.slots.get(value);
    if (slot === undefined) {
      slot = this.nextSlot;
      this.nextSlot = slot === LUA_STRINGS_MAX ? 1 : slot + 1;
      const previous = this.held[slot];
      if (previous !== undefined) this.slots.delete(previous);
      this.held[slot] = value;
      this.slots.set(value, slot);
      const bytes = to_luastring(value);
      lua.lua_pushstring(L, bytes);
      // fengari stores its own copy: remember that one, the object Lua will hand back.
      this.remember(lua.lua_tolstring(L, -1), value);
      lua.lua_rawseti(L, poolIndex, slot);
    }
    lua.lua_rawgeti(L, poolIndex, slot);
  }

  private remember(bytes: Uint8Array, value: string): void {
    if (this.decoded.size >= 2 * LUA_STRINGS_MAX) this.decoded.clear();
    this.decoded.set(bytes, value);
  }

  /** The JS string of the Lua string at `index` (which must be a string). */
  read(index: number): string {
    const bytes = lua.lua_tolstring(this.L, index);
    let value = this.decoded.get(bytes);
    if (value === undefined) {
      value = lua.lua_tojsstring(this.L, index);
      this.remember(bytes, value);
    }
    return value;
  }
}
