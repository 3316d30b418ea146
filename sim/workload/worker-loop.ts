import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicMs } from '../../src/clock.js';
import type { Op, OpName, OpType, RegisterKind, WriteResult } from '../history/types.js';
import { Random } from '../random.js';
import { describeError } from './describe-error.js';
import { outcomeOf, unreachableOf, type HeldLock, type LockClient } from './client-variants.js';
import type { Presented, ResourceClient } from './resource.js';
import type { HoldReport, LoopIdentity, WorkerConfig } from './worker-config.js';

export interface WorkerLoopDeps {
  readonly config: WorkerConfig;
  /** Which of the process's loops this is. */
  readonly loop: LoopIdentity;
  readonly client: LockClient;
  readonly resource: ResourceClient;
  readonly record: (op: Op) => void;
  /** Tells the runner about waits and holds (only when config.reportsHolds). */
  readonly report?: (report: HoldReport) => void;
  /** Set when the runner asks the worker to stop early. */
  readonly stopped: () => boolean;
}

/**
 * One loop's run: pick a resource, acquire, do the slow read-modify-write on the
 * registers while it believes it holds the lock, release, think; until the deadline,
 * the attempt limit or a stop. Returns the number of acquire attempts.
 */
export async function runWorkerLoop(deps: WorkerLoopDeps): Promise<number> {
  const { config, loop, client, resource, record } = deps;
  const random = new Random(loop.seed);
  const deadlineMs = monotonicMs() + config.runMs;
  const registers: RegisterKind[] = [config.register, ...config.controlRegisters.filter((kind) => kind !== config.register)];
  let attempts = 0;
  const op = (type: OpType, f: OpName, resourceName: string, lockId: string, extra: Partial<Op> = {}): void => {
    record({ kind: 'op', type, f, worker: loop.workerId, group: config.group, resource: resourceName, lockId, timeMs: monotonicMs(), ...extra });
  };
  const tell = (state: HoldReport['state'], resourceName: string, held?: HeldLock, sinceMs?: number): void => {
    if (!config.reportsHolds || deps.report === undefined) return;
    const extra = held === undefined ? {} : { validUntilMs: held.validUntilMs, sinceMs: sinceMs ?? monotonicMs() };
    deps.report({ state, worker: loop.workerId, group: config.group, resource: resourceName, ...extra });
  };

  while (attempts < config.maxAttempts && monotonicMs() < deadlineMs && !deps.stopped()) {
    const resourceName = random.pick(config.resources);
    const lockId = `w${loop.workerId}-${attempts}`;
    attempts += 1;

    tell('waiting', resourceName);
    op('invoke', 'acquire', resourceName, lockId, { ttlMs: config.ttlMs });
    let held: HeldLock;
    try {
      held = await client.acquire(resourceName);
    } catch (error) {
      const unreachable = unreachableOf(error);
      op(outcomeOf(error), 'acquire', resourceName, lockId, { error: describeError(error), ...(unreachable.length > 0 ? { unreachable } : {}) });
      tell('idle', resourceName);
      await think(random, config, deadlineMs);
      continue;
    }
    // The ok is when the acquire handed the lock over, not when the client had also
    // learnt which nodes failed (up to a node timeout later): a client paused in between
    // must not have its ok put past the validity end the library claimed: the checker
    // does not trust a claim earlier than the ok. (The likely cause of the 2 violations a
    // CI run of client-pause-acquire found, with 2 late writes; its history was not kept.)
    const okMs = held.acquiredMs;
    op('ok', 'acquire', resourceName, lockId, {
      timeMs: okMs,
      ...(held.fence === undefined ? {} : { fence: held.fence }),
      validUntilMs: held.validUntilMs,
      ...(held.unreachable.length > 0 ? { unreachable: [...held.unreachable] } : {}),
    });
    tell('holding', resourceName, held, okMs);

    const holdMs = client.planHoldMs(held, random, monotonicMs());
    if (holdMs !== null) {
      const presented: Presented = { token: held.fence ?? '', lockIdentity: held.value };
      op('invoke', 'write', resourceName, lockId, held.fence === undefined ? {} : { fence: held.fence });
      try {
        const reads = await Promise.all(registers.map((kind) => resource.read(resourceName, kind, presented)));
        // The slow part of the read-modify-write: a pause here (SIGSTOP, GC) is what makes
        // a write stale.
        await sleep(holdMs);
        const results: WriteResult[] = await Promise.all(registers.map((kind, index) => resource.write(resourceName, kind, presented, reads[index] ?? 0)));
        const [own, ...controls] = results;
        if (own === undefined) throw new Error('no register answered');
        op(own.accepted ? 'ok' : 'fail', 'write', resourceName, lockId, {
          write: own,
          ...(controls.length > 0 ? { controlWrites: controls } : {}),
          ...(held.fence === undefined ? {} : { fence: held.fence }),
        });
      } catch (error) {
        op('info', 'write', resourceName, lockId, { error: describeError(error) });
      }
    }

    op('invoke', 'release', resourceName, lockId);
    try {
      await held.release();
      op('ok', 'release', resourceName, lockId);
    } catch (error) {
      op(outcomeOf(error), 'release', resourceName, lockId, { error: describeError(error) });
    }
    tell('idle', resourceName);
    await think(random, config, deadlineMs);
  }
  return attempts;
}

/** The pause between operations, never past the loop's deadline (a long think would outlive the run). */
async function think(random: Random, config: WorkerConfig, deadlineMs: number): Promise<void> {
  const thinkMs = Math.min(random.int(config.thinkMs[0], config.thinkMs[1]), deadlineMs - monotonicMs());
  if (thinkMs > 0) await sleep(thinkMs);
}
