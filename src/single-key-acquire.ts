import { ResourceLockedError, appliedToMessage } from './errors/resource-locked-error.js';
import { withoutStack } from './errors/without-stack.js';
import type { Judge } from './fan-out.js';
import { plainCommandScript } from './plain-command.js';
import type { Script } from './scripts.js';

/**
 * KEYS[1]: the lock key. ARGV: value, ttlMs. The acquire of one resource without
 * fencing: `SET key value NX PX ttl`, the least a node can do for a lock (no script,
 * nothing to read back). Every attempt has a value of its own, so a key an earlier
 * attempt left on a node (its clean-up timed out there) refuses the next attempt there,
 * as another holder's would: that costs one vote, and the key expires with its TTL.
 * Replies "OK" when set, nil when the key is held.
 */
export const SET_NX_PX = plainCommandScript(
  'redquorumSetNx',
  "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])",
  'set',
  (keys, args) => [keys[0] ?? '', args[0] ?? '', 'NX', 'PX', args[1] ?? ''],
);

/** What an acquire sends to every node, and how it reads the replies. */
export interface AcquireCommand {
  readonly script: Script;
  readonly keys: readonly string[];
  readonly args: readonly string[];
  /** A vote for carries the fence read on the node: always "0", as ACQUIRE without fencing. */
  readonly judge: Judge<string>;
  /**
   * Whether a node's "held by another lock" proves that no key of this attempt is there,
   * so that the attempt's clean-up can leave that node alone. ACQUIRE counts a key with
   * its own value as its own, so it refuses only another value. SET NX cannot tell: a
   * driver that resends it after a lost reply is refused by the key its first delivery set.
   */
  readonly refusalProvesNoKey: boolean;
}

/** The SET NX PX acquire of `resource` with `value` for `ttlMs`. */
export function singleKeyAcquire(resource: string, value: string, ttlMs: number): AcquireCommand {
  return {
    script: SET_NX_PX,
    keys: [resource],
    args: [value, String(ttlMs)],
    refusalProvesNoKey: false,
    judge: (reply, node) => {
      if (reply === 'OK') return NO_FENCE;
      if (reply === null) return withoutStack(() => new ResourceLockedError(appliedToMessage(0, 1), { resource, node: node.index, address: node.address }));
      return new Error(`node ${node.index} (${node.address}): unexpected acquire reply ${JSON.stringify(reply)}`);
    },
  };
}

const NO_FENCE = Object.freeze({ value: '0' });
