import type { RedisNode } from '../testbed/redis-servers.js';
import type { Testbed } from '../testbed/testbed.js';
import { integerIn } from './validate.js';

/**
 * The redis-server process of `node`, which only the embedded testbed has: the compose
 * and explicit testbeds run servers this process cannot signal.
 */
export function embeddedNode(nemesis: string, testbed: Testbed, node: number): RedisNode {
  if (!testbed.redis) {
    throw new Error(
      `the ${nemesis} nemesis needs the embedded testbed (it signals the redis-server process); ` +
        'the compose and explicit testbeds run servers this process cannot kill or stop',
    );
  }
  integerIn('node', node, 0, testbed.nodeCount - 1);
  return testbed.redis.node(node);
}
