/**
 * clientPause: SIGSTOP of lock-client worker processes, SIGCONT at heal: a GC or VM pause
 * of the client, during an acquisition or inside its critical section depending on when it
 * lands. The pause lasts `pauseMs` or until heal, whichever comes first: a timer continues
 * the workers even if heal never comes, heal always continues every worker it stopped, and
 * teardown continues every worker of the run. A worker that has already exited is skipped.
 */
import { faultEvent, type Nemesis, type NemesisContext, type NemesisWorker } from './nemesis.js';
import { settleStopped } from './process-state.js';
import { integerIn } from './validate.js';

export interface ClientPauseOptions {
  /** Longest the pause lasts, in ms (1 to 600_000). */
  readonly pauseMs: number;
  /**
   * Which workers: 'one' picks one at random (from the run's seeded source) at each
   * inject; a list gives indexes into the context's workers. @default 'one'
   */
  readonly workers?: 'one' | readonly number[];
}

export function clientPause(options: ClientPauseOptions): Nemesis {
  const pauseMs = integerIn('pauseMs', options.pauseMs, 1, 600_000);
  const which = options.workers ?? 'one';
  if (which !== 'one') {
    if (!Array.isArray(which) || which.length === 0) {
      throw new RangeError(`workers must be 'one' or a non-empty list of worker indexes, got ${JSON.stringify(which)}`);
    }
    which.forEach((index, position) => integerIn(`workers[${position}]`, index, 0, 100_000));
  }
  let stopped: NemesisWorker[] = [];
  let timer: NodeJS.Timeout | undefined;

  const choose = (ctx: NemesisContext): NemesisWorker[] => {
    if (ctx.workers.length === 0) throw new RangeError('clientPause needs at least one worker in the context');
    if (which === 'one') {
      const index = Math.min(ctx.workers.length - 1, Math.floor(ctx.random() * ctx.workers.length));
      return [ctx.workers[index]!];
    }
    return which.map((index, position) => ctx.workers[integerIn(`workers[${position}]`, index, 0, ctx.workers.length - 1)]!);
  };

  const heal = async (ctx: NemesisContext): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const pids = stopped.map((worker) => worker.pid);
    stopped = [];
    for (const pid of pids) signal(pid, 'SIGCONT');
    await Promise.all(pids.map((pid) => settleStopped(pid, false)));
    if (pids.length > 0) ctx.record(faultEvent('stop', 'client-pause', `workers pid ${pids.join(',')} SIGCONT`));
  };

  return {
    name: 'client-pause',
    setup: heal,
    async inject(ctx) {
      if (stopped.length > 0) return;
      const chosen = choose(ctx);
      stopped = chosen;
      for (const worker of chosen) signal(worker.pid, 'SIGSTOP');
      await Promise.all(chosen.map((worker) => settleStopped(worker.pid, true)));
      const groups = chosen.map((worker) => worker.group).join(',');
      ctx.record(
        faultEvent('start', 'client-pause', `workers pid ${chosen.map((worker) => worker.pid).join(',')} (groups ${groups}) SIGSTOP for up to ${pauseMs} ms`),
      );
      timer = setTimeout(() => {
        heal(ctx).catch((error: unknown) => process.emitWarning(`client-pause could not end its pause on time: ${String(error)}`));
      }, pauseMs);
      timer.unref();
    },
    heal,
    async teardown(ctx) {
      await heal(ctx);
      // Belt and braces: no worker of this run may stay stopped, whoever stopped it.
      for (const worker of ctx.workers) signal(worker.pid, 'SIGCONT');
      await Promise.all(ctx.workers.map((worker) => settleStopped(worker.pid, false)));
    },
  };
}

/** Sends a signal; a process that has already exited (ESRCH) needs none. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
