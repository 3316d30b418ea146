/**
 * crash: kill -9 of one redis-server (RedisNode.crash), then a restart on the same port
 * and data folder:
 * - restart 'immediate': at once, inside inject. Without persistence the node comes back
 *   empty while clients still count its lost keys: the spec's own counterexample.
 * - restart 'delayed': heal restarts it, but never before `delayMs` (more than the lock TTL)
 *   has passed since the crash, the spec's "delayed restarts" remedy.
 * - persistence 'aof-always': setup switches the node to appendonly yes + appendfsync
 *   always (without a restart, waiting for the AOF rewrite) so that the crash loses nothing;
 *   teardown switches it back the same way. Needs the embedded testbed.
 * Each crash measures the lock keys the node held when it was killed (`keysAtCrash`) and,
 * when it is back, how many of them it still holds with the same value (`keysBack`): all
 * of them with AOF always (unless expired meanwhile), none without persistence.
 */
import type { Persistence } from '../testbed/redis-servers.js';
import { monotonicMs } from '../../src/clock.js';
import { withRedis } from '../testbed/redis-admin.js';
import { embeddedNode } from './embedded-node.js';
import { heldKeys, keysBack } from './held-keys.js';
import { faultEvent, sleepMs, type Nemesis, type NemesisContext } from './nemesis.js';
import { integerIn } from './validate.js';

export interface CrashOptions {
  /** The node to kill (0-based). */
  readonly node: number;
  /** When the node comes back. */
  readonly restart: 'immediate' | 'delayed';
  /** 'delayed' only: least time down, in ms; must exceed the lock TTL. @default 2 x ttlMs */
  readonly delayMs?: number;
  /** What the node keeps across the crash. */
  readonly persistence: Persistence;
}

const DELAY_MS_MAX = 600_000;

export function crash(options: CrashOptions): Nemesis {
  const node = integerIn('node', options.node, 0, 14);
  if (options.restart !== 'immediate' && options.restart !== 'delayed') {
    throw new RangeError(`restart must be 'immediate' or 'delayed', got ${JSON.stringify(options.restart)}`);
  }
  if (options.persistence !== 'none' && options.persistence !== 'aof-always') {
    throw new RangeError(`persistence must be 'none' or 'aof-always', got ${JSON.stringify(options.persistence)}`);
  }
  if (options.delayMs !== undefined) integerIn('delayMs', options.delayMs, 1, DELAY_MS_MAX);
  const { restart, persistence } = options;
  const name = `crash-${restart}`;
  let original: Persistence | undefined;
  let crashedAtMs: number | undefined;
  // The lock keys the node held just before the kill.
  let heldAtCrash: Map<string, string> | undefined;
  const readHeld = (ctx: NemesisContext): Promise<Map<string, string>> => withRedis(ctx.testbed.directEndpoints()[node]!, heldKeys);

  const delayFor = (ctx: NemesisContext): number => {
    const delayMs = options.delayMs ?? 2 * ctx.ttlMs;
    if (delayMs <= ctx.ttlMs) {
      throw new RangeError(`delayMs must be more than the lock TTL (${ctx.ttlMs} ms) for a delayed restart, got ${delayMs}`);
    }
    return delayMs;
  };

  const bringBack = async (ctx: NemesisContext, waitForDelay: boolean): Promise<void> => {
    const redisNode = embeddedNode(name, ctx.testbed, node);
    if (crashedAtMs !== undefined && restart === 'delayed' && waitForDelay) {
      await sleepMs(crashedAtMs + delayFor(ctx) - monotonicMs());
    }
    if (!redisNode.running) await redisNode.start(persistence);
    if (crashedAtMs !== undefined) {
      const downMs = Math.round(monotonicMs() - crashedAtMs);
      crashedAtMs = undefined;
      const before = heldAtCrash ?? new Map<string, string>();
      heldAtCrash = undefined;
      const back = keysBack(before, await readHeld(ctx));
      ctx.record({
        ...faultEvent('stop', name, `node ${node} back after ${downMs} ms (persistence ${persistence}): ${back} of its ${before.size} lock keys back`),
        measured: { keysAtCrash: before.size, keysBack: back },
      });
    }
  };

  return {
    name,
    async setup(ctx) {
      const redisNode = embeddedNode(name, ctx.testbed, node);
      if (restart === 'delayed') delayFor(ctx);
      await bringBack(ctx, false);
      original ??= redisNode.persistence;
      await redisNode.setPersistence(persistence);
    },
    async inject(ctx) {
      if (crashedAtMs !== undefined) return;
      const redisNode = embeddedNode(name, ctx.testbed, node);
      if (restart === 'delayed') delayFor(ctx);
      heldAtCrash = await readHeld(ctx);
      await redisNode.crash();
      crashedAtMs = monotonicMs();
      ctx.record(faultEvent('start', name, `node ${node} kill -9 (persistence ${persistence}, restart ${restart})`));
      if (restart === 'immediate') await bringBack(ctx, false);
    },
    async heal(ctx) {
      await bringBack(ctx, true);
    },
    async teardown(ctx) {
      await bringBack(ctx, false);
      if (original !== undefined) await embeddedNode(name, ctx.testbed, node).setPersistence(original);
      original = undefined;
    },
  };
}
