// The few parts of fengari (Lua 5.3 in JavaScript) the simulated node uses; the package
// ships no types.
declare module 'fengari' {
  type LuaState = object;
  type LuaString = Uint8Array;
  interface Lua {
    LUA_OK: number;
    LUA_REGISTRYINDEX: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, index: number): void;
    lua_pop(L: LuaState, n: number): void;
    lua_type(L: LuaState, index: number): number;
    lua_tojsstring(L: LuaState, index: number): string;
    /** The string's own bytes (fengari's internal array, the same object on every call). */
    lua_tolstring(L: LuaState, index: number): LuaString;
    lua_upvalueindex(n: number): number;
    lua_pushcclosure(L: LuaState, f: (L: LuaState) => number, n: number): void;
    lua_rawget(L: LuaState, index: number): number;
    lua_rawset(L: LuaState, index: number): void;
    lua_rawlen(L: LuaState, index: number): number;
    lua_pushvalue(L: LuaState, index: number): void;
    lua_replace(L: LuaState, index: number): void;
    lua_tonumber(L: LuaState, index: number): number;
    lua_toboolean(L: LuaState, index: number): boolean;
    lua_pushstring(L: LuaState, s: LuaString): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushnil(L: LuaState): void;
    lua_pushcfunction(L: LuaState, f: (L: LuaState) => number): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_newtable(L: LuaState): void;
    lua_rawseti(L: LuaState, index: number, n: number): void;
    lua_rawgeti(L: LuaState, index: number, n: number): number;
    lua_getfield(L: LuaState, index: number, key: LuaString): number;
    lua_setfield(L: LuaState, index: number, key: LuaString): void;
    lua_setglobal(L: LuaState, name: LuaString): void;
    lua_getglobal(L: LuaState, name: LuaString): number;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_error(L: LuaState): never;
  }
  interface Lauxlib {
    luaL_newstate(): LuaState;
    luaL_loadstring(L: LuaState, s: LuaString): number;
    luaL_loadbuffer(L: LuaState, s: LuaString, size: number, name: LuaString): number;
    luaL_ref(L: LuaState, t: number): number;
  }
  interface Lualib {
    luaL_openlibs(L: LuaState): void;
  }
  const fengari: { lua: Lua; lauxlib: Lauxlib; lualib: Lualib; to_luastring(s: string): LuaString };
  export default fengari;
}
