import { describe, expect, it } from 'vitest';
import { Keyspace } from '../../../sim/explore/keyspace.js';
import { LUA_STRINGS_MAX } from '../../../sim/explore/lua-strings.js';
import { LuaVm } from '../../../sim/explore/lua-vm.js';

// The string pool converts each string once and reuses its slots past its bound: what it
// holds must never show in a result.
describe('explore engine: strings between JS and Lua', () => {
  const vm = new LuaVm();
  const keys = new Keyspace(() => 0);
  const run = (lua: string, k: string[] = [], a: string[] = []): unknown => vm.run(lua, k, a, (args) => keys.execute(args));
  const roundTrip = "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('GET', KEYS[1]), ARGV[1] == redis.call('GET', KEYS[1]) and 1 or 0}";

  it('every value comes back as it went in, also after the pool reused every slot twice over', () => {
    const first = 'value-0-\u00e9\u{1F512}';
    expect(run(roundTrip, ['k0'], [first])).toEqual([first, 1]);
    for (let i = 1; i <= 2 * LUA_STRINGS_MAX + 3; i += 1) {
      const value = `value-${i}`;
      expect(run(roundTrip, [`k${i % 7}`], [value])).toEqual([value, 1]);
    }
    // The first value's slot has been reused: it is converted again, not confused with its successor.
    expect(run(roundTrip, ['k0'], [first])).toEqual([first, 1]);
    expect(run('return KEYS[1] .. ARGV[1]', ['a:'], [first])).toBe(`a:${first}`);
  });

  it('strings a script builds reach commands and replies whole', () => {
    expect(run("redis.call('SET', 'p:' .. ARGV[1], ARGV[1] .. '!'); return redis.call('GET', 'p:' .. ARGV[1])", [], ['x'])).toBe('x!');
    expect(keys.execute(['GET', 'p:x'])).toBe('x!');
  });

  it('KEYS and ARGV are new tables on each run: what a script writes into them is gone on the next', () => {
    run("KEYS[5] = 'left'; ARGV[2] = 'over'; return 0", ['a'], ['b']);
    expect(run("return {#KEYS, #ARGV, KEYS[5] or 'gone'}", ['a'], ['b'])).toEqual([1, 1, 'gone']);
  });

  it('status and error tables keep their marks both ways', () => {
    expect(run("return redis.call('SET', 'k', 'v')")).toEqual({ status: 'OK' });
    expect(run("return redis.call('SET', 'k', 'v').ok")).toBe('OK');
    expect(run("return redis.pcall('INCR', 'k').err")).toBe('ERR value is not an integer or out of range');
    expect(run("return {ok = 'FINE'}")).toEqual({ status: 'FINE' });
  });
});
