/**
 * nodePause: SIGSTOP of one redis-server, SIGCONT at heal. The process keeps its sockets
 * and data but answers nothing, like a long GC or VM pause; Redis's clock keeps running, so
 * keys may expire the moment it continues. The pause lasts `pauseMs` or until heal,
 * whichever comes first: a timer continues the process even if heal never comes, and heal
 * and teardown always send SIGCONT. Needs the embedded testbed.
 */
import { embeddedNode } from './embedded-node.js';
import { faultEvent, type Nemesis, type NemesisContext } from './nemesis.js';
import { settleStopped } from './process-state.js';
import { integerIn } from './validate.js';

export interface NodePauseOptions {
  /** The node to stop (0-based). */
  readonly node: number;
  /** Longest the pause lasts, in ms (1 to 600_000). */
  readonly pauseMs: number;
}

export function nodePause(options: NodePauseOptions): Nemesis {
  const node = integerIn('node', options.node, 0, 14);
  const pauseMs = integerIn('pauseMs', options.pauseMs, 1, 600_000);
  let timer: NodeJS.Timeout | undefined;
  let active = false;

  const heal = async (ctx: NemesisContext): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const redisNode = embeddedNode('node-pause', ctx.testbed, node);
    redisNode.resume();
    if (redisNode.pid !== undefined) await settleStopped(redisNode.pid, false);
    if (active) ctx.record(faultEvent('stop', 'node-pause', `node ${node} SIGCONT`));
    active = false;
  };

  return {
    name: 'node-pause',
    setup: heal,
    async inject(ctx) {
      if (active) return;
      const redisNode = embeddedNode('node-pause', ctx.testbed, node);
      redisNode.pause();
      active = true;
      if (redisNode.pid !== undefined) await settleStopped(redisNode.pid, true);
      ctx.record(faultEvent('start', 'node-pause', `node ${node} SIGSTOP for up to ${pauseMs} ms`));
      timer = setTimeout(() => {
        heal(ctx).catch((error: unknown) => process.emitWarning(`node-pause could not end its pause on time: ${String(error)}`));
      }, pauseMs);
      // The timer must not keep a finished run alive; the exit hooks kill the node anyway.
      timer.unref();
    },
    heal,
    teardown: heal,
  };
}
