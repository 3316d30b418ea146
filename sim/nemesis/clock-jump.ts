/**
 * clockJump: one node's wall clock jumps by `jumpMs` (forward by default), as in
 * Kleppmann's example, emulated at the key level (see clock-shave.ts: Redis 7 expires by
 * the wall clock and libfaketime does not work on Debian's redis-server). inject takes
 * jumpMs off the remaining PTTL of every lock key on that node, deleting those with less
 * left, in one atomic Lua script on the node's direct endpoint. A jump cannot be undone:
 * heal only ends the fault window; keys written after the jump expire normally, exactly as
 * on a node whose clock has already jumped.
 */
import { withRedis } from '../testbed/redis-admin.js';
import { shaveTtls, DEFAULT_LOCK_KEY_PATTERN } from './clock-shave.js';
import { faultEvent, type Nemesis, type NemesisContext } from './nemesis.js';
import { integerIn } from './validate.js';

export interface ClockJumpOptions {
  /** The node whose clock jumps (0-based). */
  readonly node: number;
  /** The jump in ms; negative moves the clock back (-3_600_000 to 3_600_000, not 0). */
  readonly jumpMs: number;
  /** KEYS pattern of the lock keys. @default '*' (fence counters are always skipped) */
  readonly keyPattern?: string;
}

const JUMP_MS_MAX = 3_600_000;

export function clockJump(options: ClockJumpOptions): Nemesis {
  const node = integerIn('node', options.node, 0, 14);
  const jumpMs = integerIn('jumpMs', options.jumpMs, -JUMP_MS_MAX, JUMP_MS_MAX);
  if (jumpMs === 0) throw new RangeError(`jumpMs must be an integer from ${-JUMP_MS_MAX} to ${JUMP_MS_MAX} other than 0, got 0`);
  const keyPattern = options.keyPattern ?? DEFAULT_LOCK_KEY_PATTERN;
  let active = false;

  const heal = async (ctx: NemesisContext): Promise<void> => {
    if (active) ctx.record(faultEvent('stop', 'clock-jump', `node ${node} clock jump over`));
    active = false;
  };

  return {
    name: 'clock-jump',
    async setup(ctx) {
      integerIn('node', node, 0, ctx.testbed.nodeCount - 1);
      await heal(ctx);
    },
    async inject(ctx) {
      if (active) return;
      integerIn('node', node, 0, ctx.testbed.nodeCount - 1);
      const endpoint = ctx.testbed.directEndpoints()[node]!;
      const result = await withRedis(endpoint, (redis) => shaveTtls(redis, jumpMs, keyPattern));
      active = true;
      const sign = jumpMs > 0 ? '+' : '';
      ctx.record({
        ...faultEvent('start', 'clock-jump', `node ${node} clock ${sign}${jumpMs} ms: ${result.shortened} lock keys moved, ${result.expired} expired`),
        measured: { keysMoved: result.shortened, keysExpired: result.expired },
      });
    },
    heal,
    teardown: heal,
  };
}
