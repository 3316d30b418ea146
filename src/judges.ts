import { LockNotHeldError } from './errors/lock-not-held-error.js';
import { ResourceLockedError, appliedToMessage } from './errors/resource-locked-error.js';
import { withoutStack } from './errors/without-stack.js';
import type { Node } from './node.js';

/* How each script's reply becomes a node's vote (see fan-out.ts). */

/** An acquire reply: {1, fence} for, {0, i} when resource i is held by another lock. */
export function judgeAcquire(keys: readonly string[]) {
  return (reply: unknown, node: Node): { value: string } | Error => {
    if (!Array.isArray(reply) || reply.length !== 2) return new Error(`node ${node.index} (${node.address}): unexpected acquire reply ${JSON.stringify(reply)}`);
    const [status, detail] = reply as [unknown, unknown];
    if (status === 1) return { value: String(detail) };
    const resource = keys[Number(detail) - 1];
    return withoutStack(() => new ResourceLockedError(appliedToMessage(0, keys.length), { ...(resource === undefined ? {} : { resource }), node: node.index, address: node.address }));
  };
}

/** An extend reply: 1 for; 0 when some key no longer holds this lock's value. */
export function judgeExtend(keys: readonly string[]) {
  return (reply: unknown, node: Node): { value: true } | Error => {
    if (reply === 1) return { value: true };
    return withoutStack(() => new LockNotHeldError(appliedToMessage(0, keys.length), { node: node.index, address: node.address }));
  };
}

/**
 * Release and fence replies: every successful reply is a vote for (a key already gone is
 * released all the same); only error replies, judged before this, vote against.
 */
export function judgeRelease(): { value: true } {
  return { value: true };
}

