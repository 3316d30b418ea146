import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACQUIRE, EXTEND, FENCE, RELEASE, type Script } from '../../src/scripts.js';
import { Random } from '../../sim/random.js';
import { RedisServers } from '../../sim/testbed/redis-servers.js';
import { ClockModel, EPOCH_MS, IDEAL_CLOCK } from '../../sim/explore/clock-model.js';
import { LuaVm } from '../../sim/explore/lua-vm.js';
import { driverReply } from '../../sim/explore/sim-node-client.js';
import { SimNode, sha1 } from '../../sim/explore/sim-node.js';

// The differential test of the simulated node: one seeded sequence of the commands and
// scripts the library and the controls use, with TTL arithmetic, run against a real
// redis-server and a simulated node whose wall clock is this host's, reply by reply.
// Keys set with a short expiry are left alone for the rest of their step (no command that
// names one is sent, whichever argument names it), and steps are STEP_MS apart, so no
// comparison sits on an expiry boundary: the replies must be equal, except PTTL. The
// simulated node runs each command once the server's reply is in, so its TTL was set up
// to that command's round trip later and is read up to the PTTL's later: the two may
// differ by the slowest round trip so far (measured), plus a millisecond of rounding each.

const STEPS = 30;
const COMMANDS_PER_STEP = 15;
const STEP_MS = 15;
const SHORT_PX = ['1', '2', '3'];
const LONG_PX = ['60000', '90000', '120000'];
const SCRIPTS: readonly Script[] = [ACQUIRE, EXTEND, RELEASE, FENCE];

let servers: RedisServers | undefined;
let redis: Redis | undefined;

beforeAll(async () => {
  // The testbed's server binds its own port and is proven to be the process it spawned.
  servers = await RedisServers.start({ count: 1 });
  const node = servers.node(0);
  redis = new Redis({ host: node.host, port: node.port, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  await redis.ping();
});

afterAll(async () => {
  redis?.disconnect();
  await servers?.stop();
});

describe('explore fidelity: the simulated node against a real redis-server', () => {
  it('the server is the one this test started', async () => {
    const info = await (redis as Redis).info('server');
    expect(Number(/process_id:(\d+)/.exec(info)?.[1])).toBe(servers?.node(0).pid);
  });

  it('answers a random sequence of the library\'s commands and scripts exactly as Redis does', async () => {
    const real = redis as Redis;
    const node = new SimNode(0, new ClockModel(IDEAL_CLOCK, () => Date.now() - EPOCH_MS), new LuaVm());
    const random = new Random(1201);
    const keys = ['r0', 'r1', 'r2'];
    const values = ['v-a', 'v-b', 'v-c'];
    const universe = [...keys, ...keys.map((k) => `${k}:fence`)];
    const key = (): string => random.pick(universe);
    let compared = 0;
    let ttlCompared = 0;
    let slowestRoundTripMs = 0;
    for (let step = 0; step < STEPS; step += 1) {
      const volatile = new Set<string>();
      const free = (): string | undefined => {
        const candidates = universe.filter((k) => !volatile.has(k));
        return candidates.length === 0 ? undefined : random.pick(candidates);
      };
      for (let i = 0; i < COMMANDS_PER_STEP; i += 1) {
        const k = free();
        if (k === undefined) break;
        const short = random.chance(0.2);
        const px = short ? random.pick(SHORT_PX) : random.pick([...LONG_PX, '0', '-5', 'x']);
        const resource = k.replace(/:fence$/, '');
        const lockKeys = k.endsWith(':fence') ? [k] : [resource];
        let args: string[];
        switch (random.int(0, 11)) {
          case 0:
            args = ['SET', k, random.pick(values), 'PX', px, ...(random.chance(0.5) ? ['NX'] : [])];
            break;
          case 1:
            args = ['GET', k];
            break;
          case 2:
            args = ['DEL', k, key()];
            break;
          case 3:
            args = ['PEXPIRE', k, px];
            break;
          case 4:
            args = ['PTTL', k];
            break;
          case 5:
            args = ['INCR', `${resource}:fence`];
            break;
          case 6:
            args = ['EVAL', ACQUIRE.lua, '2', resource, `${resource}:fence`, random.pick(values), px, '1'];
            break;
          case 7:
            args = ['EVAL', EXTEND.lua, String(lockKeys.length), ...lockKeys, random.pick(values), px];
            break;
          case 8:
            args = ['EVAL', RELEASE.lua, '1', resource, random.pick(values), random.pick(['0', '1'])];
            break;
          case 9:
            args = ['EVAL', FENCE.lua, '1', `${resource}:fence`, String(random.int(0, 20))];
            break;
          case 10: {
            const script = random.pick(SCRIPTS);
            args = ['EVALSHA', sha1(script.lua), '1', resource, random.pick(values), px, '1'];
            break;
          }
          default:
            args = ['EXISTS', k, key()];
        }
        // A command may name keys besides k (a script's other keys, DEL's and EXISTS's second
        // one): a CI run sent INCR r0:fence 3 ms after PEXPIRE r0:fence 3, which had expired
        // on the server but not yet on the simulated node, whose PEXPIRE ran a slow round
        // trip later.
        const touched = args.slice(1).filter((arg) => universe.includes(arg));
        if (touched.some((name) => volatile.has(name))) continue;
        const beforeMs = performance.now();
        const expected = await real.call(args[0] as string, ...args.slice(1)).then(
          (reply) => ({ reply }),
          (error: Error) => ({ error: error.message }),
        );
        slowestRoundTripMs = Math.max(slowestRoundTripMs, performance.now() - beforeMs);
        const simulated = driverReply(node.execute(args));
        const actual = simulated instanceof Error ? { error: simulated.message } : { reply: simulated };
        const label = `step ${step}: ${args.map((a) => (a.length > 30 ? `<${a.length} chars>` : a)).join(' ')}`;
        if (args[0] === 'PTTL' && typeof (expected as { reply?: unknown }).reply === 'number' && ((expected as { reply: number }).reply as number) >= 0) {
          expect(actual.reply, label).toBeTypeOf('number');
          expect(Math.abs((actual.reply as number) - (expected as { reply: number }).reply), label).toBeLessThanOrEqual(Math.ceil(slowestRoundTripMs) + 2);
          ttlCompared += 1;
        } else if ('error' in expected) {
          // Redis appends the script's name and line to an error raised inside a script.
          expect('error' in actual ? actual.error : actual, label).toBe(expected.error.replace(/ script: .*$/s, ''));
        } else {
          expect(actual, label).toEqual(expected);
        }
        compared += 1;
        // After a short expiry the key is left alone until the next step (no boundary race).
        if (short && args.includes(px) && ['SET', 'PEXPIRE', 'EVAL', 'EVALSHA'].includes(args[0] as string)) {
          for (const name of touched) volatile.add(name);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, STEP_MS));
    }
    expect(compared).toBeGreaterThan(300);
    expect(ttlCompared).toBeGreaterThan(5);
  });
});
