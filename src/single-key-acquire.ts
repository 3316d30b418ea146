import { ResourceLockedError, appliedToMessage } from './errors/resource-locked-error.js';
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

/**
 * KEYS[1]: a fencing counter. Replies its value, or nil when it has none. Sent after
 * SET_NX_PX in the same tick (one write to the node): a plain GET, no script.
 */
export const READ_FENCE = plainCommandScript('redquorumReadFence', "return redis.call('GET', KEYS[1])", 'get', (keys) => [keys[0] ?? '']);

/** One command of an acquire. */
export interface NodeCommand {
  readonly script: Script;
  readonly keys: readonly string[];
  readonly args: readonly string[];
}

/** What an acquire sends to every node, and how it reads the replies. */
export interface AcquireCommand extends NodeCommand {
  /**
   * A second command sent to every node right after the first, in the same tick: the
   * judge then gets both replies as `[first, second]` (an error of either is the vote).
   */
  readonly andThen?: NodeCommand;
  /** A vote for carries the fence read on the node ("0" when none, and without fencing). */
  readonly judge: Judge<string>;
}

/** The SET NX PX acquire of `resource` with `value` for `ttlMs`. */
export function singleKeyAcquire(resource: string, value: string, ttlMs: number): AcquireCommand {
  return {
    script: SET_NX_PX,
    keys: [resource],
    args: [value, String(ttlMs)],
    judge: (reply, node) => {
      if (reply === 'OK') return NO_FENCE;
      if (reply === null) return new ResourceLockedError(appliedToMessage(0, 1), { resource, node: node.index, address: node.address });
      return new Error(`node ${node.index} (${node.address}): unexpected acquire reply ${JSON.stringify(reply)}`);
    },
  };
}

/**
 * The fenced acquire of one resource: SET NX PX, then a GET of its fencing counter, two
 * plain commands in one write where the ACQUIRE script would cost the node a script
 * call. The read need not be atomic with the SET: the token must exceed the tokens of
 * acquisitions that completed before this one began, and each of those is on a quorum
 * before its acquire returns, so this GET, sent after this acquire began, reads it (or
 * more) on every node of the intersection.
 */
export function singleKeyFencedAcquire(resource: string, fenceKey: string, value: string, ttlMs: number): AcquireCommand {
  const set = singleKeyAcquire(resource, value, ttlMs);
  return {
    script: SET_NX_PX,
    keys: set.keys,
    args: set.args,
    andThen: { script: READ_FENCE, keys: [fenceKey], args: [] },
    judge: (reply, node) => {
      const [setReply, counter] = reply as [unknown, unknown];
      const verdict = set.judge(setReply, node);
      if (verdict instanceof Error) return verdict;
      if (counter === null) return NO_FENCE;
      // Tokens are non-negative integers (see fencing.ts); anything else was not written by us.
      if (typeof counter !== 'string' || !/^\d{1,16}$/.test(counter)) return new Error(`node ${node.index} (${node.address}): unexpected fence counter ${JSON.stringify(counter)}`);
      return { value: counter };
    },
  };
}

const NO_FENCE = Object.freeze({ value: '0' });
