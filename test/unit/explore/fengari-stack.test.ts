import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FENGARI_VERSION, stackSlotsKept } from '../../../sim/explore/fengari-stack.js';
import { Keyspace } from '../../../sim/explore/keyspace.js';
import { LuaVm } from '../../../sim/explore/lua-vm.js';

const require = createRequire(import.meta.url);

// fengari keeps its stack cells above the top (set to nil) instead of deleting them: each
// case below leaves cells behind that a wrong reuse would show, as a stale value where
// Lua 5.3 gives nil, a shared cell between closures, or a lost upvalue.
describe('explore engine: fengari with its stack cells kept', () => {
  const vm = new LuaVm();
  const keys = new Keyspace(() => 0);
  const run = (lua: string, k: string[] = [], a: string[] = []): unknown => vm.run(lua, k, a, (args) => keys.execute(args));

  it('is in force, for the fengari release package.json pins', () => {
    expect(stackSlotsKept()).toBe(true);
    expect((require('fengari/package.json') as { version: string }).version).toBe(FENGARI_VERSION);
    const ldo = require('fengari/src/ldo.js') as { adjust_top: { name: string }; luaD_poscall: { name: string } };
    expect([ldo.adjust_top.name, ldo.luaD_poscall.name]).toEqual(['adjustTop', 'poscall']);
  });

  const cases: [name: string, lua: string, expected: unknown][] = [
    [
      'fewer results than wanted are padded with nil, after a call that left values in those cells',
      'local function three() return 7, 8, 9 end local function one() return 1 end local x, y, z = three() local a, b, c = one() return {a, b == nil and 1 or 0, c == nil and 1 or 0, x + y + z}',
      [1, 1, 1, 24],
    ],
    [
      'a JS function returning fewer results than wanted, after a Lua one filled the cells',
      "local function many() return 'p', 'q', 'r' end many() local n, extra = tonumber('42') return {n, extra == nil and 1 or 0}",
      [42, 1],
    ],
    [
      'missing arguments are nil, and a callee sees no caller temporaries',
      'local function f(a, b, c) return {a, b == nil and 1 or 0, c == nil and 1 or 0} end local t = {10, 20, 30} local s = t[1] + t[2] + t[3] return f(s)',
      [60, 1, 1],
    ],
    [
      'each loop iteration gets its own upvalue cell; a closed block keeps its value',
      'local fs = {} for i = 1, 3 do fs[i] = function() return i end end local g do local v = 5 g = function() v = v + 1 return v end end local junk = {1, 2, 3} return {fs[1](), fs[2](), fs[3](), g(), g()}',
      [1, 2, 3, 6, 7],
    ],
    [
      'an open upvalue and its local stay one cell while calls come and go above it',
      "local n = 0 local function bump() n = n + 1 return n end for _ = 1, 5 do bump() tostring(n) redis.call('EXISTS', 'x') end return n",
      5,
    ],
    [
      'varargs: count, holes and multiple returns through select and table.unpack',
      "local function count(...) return select('#', ...) end local function pass(...) return ... end local a, b, c = pass(1, nil, 3) return {count(), count(nil, nil), count(pass(1, 2, 3)), a, b == nil and 1 or 0, c}",
      [0, 2, 3, 1, 1, 3],
    ],
    [
      'a stack grown by recursion and a large unpack, then used shallow again',
      'local function depth(k) if k == 0 then return 0 end return 1 + depth(k - 1) end local t = {} for i = 1, 400 do t[i] = i end local function sum(...) local s = 0 for _, v in ipairs({...}) do s = s + v end return s end local d = depth(300) local s = sum(table.unpack(t)) local a, b = (function() return 1 end)() return {d, s, a, b == nil and 1 or 0}',
      [300, 80200, 1, 1],
    ],
    [
      'an error unwinds the frames; pcall returns false and its message; the next call sees clean cells',
      "local ok, message = pcall(function() local a, b, c = 1, 2, 3 error('boom') end) local x, y = (function() return 'only' end)() return {ok and 1 or 0, message, x, y == nil and 1 or 0}",
      [0, 'user_script:1: boom', 'only', 1],
    ],
  ];

  it.each(cases)('%s', (_name, lua, expected) => {
    expect(run(lua)).toEqual(expected);
    // The same state again, its cells now left over from the first run.
    expect(run(lua)).toEqual(expected);
  });

  it('cases run one after another in one state give what each gives alone', () => {
    for (let round = 0; round < 3; round += 1) for (const [, lua, expected] of cases) expect(run(lua)).toEqual(expected);
  });
});
