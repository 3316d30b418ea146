import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicMs } from '../../src/clock.js';
import type { Op, OpName, OpType, WriteResult } from '../history/types.js';
import { Random } from '../random.js';
import { isDefiniteRefusal, type LockClient } from './client-variants.js';
import type { ResourceClient, ResourceMode } from './resource.js';
import type { LoopIdentity, WorkerConfig } from './worker-config.js';

export interface WorkerLoopDeps {
  readonly config: WorkerConfig;
  /** Which of the process's loops this is. */
  readonly loop: LoopIdentity;
  readonly client: LockClient;
  readonly resource: ResourceClient;
  readonly record: (op: Op) => void;
  /** Set when the runner asks the worker to stop early. */
  readonly stopped: () => boolean;
}

/**
 * One loop's run: pick a resource, acquire, do the slow read-modify-write on the fenced
 * resource while it believes it holds the lock, release, think; until the deadline or the
 * attempt limit. Returns the number of acquire attempts.
 */
export async function runWorkerLoop(deps: WorkerLoopDeps): Promise<number> {
  const { config, loop, client, resource, record } = deps;
  const random = new Random(loop.seed);
  const mode: ResourceMode = config.fenced ? 'fenced' : 'unfenced';
  const deadlineMs = monotonicMs() + config.runMs;
  let attempts = 0;
  const op = (type: OpType, f: OpName, resourceName: string, lockId: string, extra: Partial<Op> = {}): void => {
    record({ kind: 'op', type, f, worker: loop.workerId, group: config.group, resource: resourceName, lockId, timeMs: monotonicMs(), ...extra });
  };

  while (attempts < config.maxAttempts && monotonicMs() < deadlineMs && !deps.stopped()) {
    const resourceName = random.pick(config.resources);
    const lockId = `w${loop.workerId}-${attempts}`;
    attempts += 1;

    op('invoke', 'acquire', resourceName, lockId);
    let held;
    try {
      held = await client.acquire(resourceName);
    } catch (error) {
      op(isDefiniteRefusal(error) ? 'fail' : 'info', 'acquire', resourceName, lockId, { error: describe(error) });
      await think(random, config);
      continue;
    }
    op('ok', 'acquire', resourceName, lockId, {
      ...(held.fence === undefined ? {} : { fence: held.fence }),
      validUntilMs: held.validUntilMs,
    });

    const holdMs = client.planHoldMs(held, random, monotonicMs());
    if (holdMs !== null) {
      op('invoke', 'write', resourceName, lockId, held.fence === undefined ? {} : { fence: held.fence });
      try {
        const read = await resource.read(resourceName, mode);
        // The slow part of the read-modify-write: a pause here (SIGSTOP, GC) is what makes
        // a write stale.
        await sleep(holdMs);
        const write: WriteResult = await resource.write(resourceName, mode, config.fenced ? (held.fence ?? '') : '', read);
        op(write.accepted ? 'ok' : 'fail', 'write', resourceName, lockId, { write, ...(held.fence === undefined ? {} : { fence: held.fence }) });
      } catch (error) {
        op('info', 'write', resourceName, lockId, { error: describe(error) });
      }
    }

    op('invoke', 'release', resourceName, lockId);
    try {
      await held.release();
      op('ok', 'release', resourceName, lockId);
    } catch (error) {
      op(isDefiniteRefusal(error) ? 'fail' : 'info', 'release', resourceName, lockId, { error: describe(error) });
    }
    await think(random, config);
  }
  return attempts;
}

async function think(random: Random, config: WorkerConfig): Promise<void> {
  const thinkMs = random.int(config.thinkMs[0], config.thinkMs[1]);
  if (thinkMs > 0) await sleep(thinkMs);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const reason = (error as { reason?: unknown }).reason;
    const head = typeof reason === 'string' ? `${error.name}(${reason})` : error.name;
    return `${head}: ${error.message}`.slice(0, 300);
  }
  return String(error).slice(0, 300);
}
