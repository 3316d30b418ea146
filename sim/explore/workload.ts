import { ExecutionError, type Lock, type Redlock } from '../../src/index.js';
import type { Runtime } from '../../src/runtime.js';
import type { HistoryEvent, Op, OpName, OpType } from '../history/types.js';
import type { Random } from '../random.js';
import type { ClockModel } from './clock-model.js';
import type { FencedRegister } from './register.js';
import type { ExploreVariant, Scenario } from './scenario.js';
import type { Actor, Scheduler } from './scheduler.js';
import type { SimNodeClient } from './sim-node-client.js';

/** What one simulated client process runs with. */
export interface ClientContext {
  readonly index: number;
  readonly variant: ExploreVariant;
  readonly scenario: Scenario;
  readonly scheduler: Scheduler;
  readonly actor: Actor;
  readonly clock: ClockModel;
  readonly runtime: Runtime;
  readonly random: Random;
  readonly redlock: Redlock;
  readonly drivers: readonly SimNodeClient[];
  readonly register: FencedRegister;
  readonly history: HistoryEvent[];
}

/** A lock as the workload holds it, whichever variant took it. */
interface Held {
  lockId: string;
  readonly fence: string | undefined;
  /** Monotonic ms of the client. */
  validUntilMs: number;
  lock: Lock | undefined;
  readonly value: string | undefined;
}

// Time kept back after the planned work for the write itself: a correct client plans
// its critical section to end inside its validity ("finish within validity"). It also
// covers the register's round trip.
export const WRITE_BUDGET_MS = 5;
// The plain-DEL control overruns its TTL this often, by 100-400 ms (the lab's numbers).
const PLAIN_DEL_OVERRUN_CHANCE = 0.15;
const OVERRUN_MS: readonly [number, number] = [100, 400];
// The no-validity-check control waits this many TTLs for its nodes, as node-redlock waits for all replies.
const NAIVE_WAIT_TTLS = 5;

/**
 * One client's operations, recorded in the lab's history format on the simulation's
 * true time line: think, acquire a random resource, read the fenced register, work
 * (maybe extending once), write, release. An extension is recorded as the holder
 * handing the lock to itself: the old acquisition's release at the extension's ok, and
 * a new acquisition (lockId + ".e") with the new validity and no token of its own, so
 * the shared checkers judge the extended window without a new history field.
 */
export async function runClient(ctx: ClientContext, onOperation: () => void): Promise<void> {
  const { scenario, random } = ctx;
  for (let k = 0; k < scenario.opsPerClient; k += 1) {
    await sleep(ctx, random.int(scenario.thinkMs[0], scenario.thinkMs[1]));
    const resource = `r${random.int(0, scenario.resources - 1)}`;
    const lockId = `c${ctx.index}.${k}`;
    onOperation();
    const held = await acquire(ctx, resource, lockId);
    if (held === undefined) continue;
    const read = held.fence === undefined ? undefined : await ctx.register.read(resource, ctx.actor);
    let holdMs = planHoldMs(ctx, held);
    if (holdMs !== null && held.lock !== undefined && random.chance(scenario.extendChance)) {
      const firstMs = Math.floor(holdMs / 2);
      await sleep(ctx, firstMs);
      await extend(ctx, resource, held);
      holdMs = planHoldMs(ctx, held);
    }
    if (holdMs !== null) {
      await sleep(ctx, holdMs);
      if (read !== undefined && held.fence !== undefined) await write(ctx, resource, held, read);
    }
    await release(ctx, resource, held);
  }
}

function planHoldMs(ctx: ClientContext, held: Held): number | null {
  const { random, scenario } = ctx;
  if (ctx.variant === 'plain-del-release' && random.chance(PLAIN_DEL_OVERRUN_CHANCE)) {
    return scenario.ttlMs + random.int(OVERRUN_MS[0], OVERRUN_MS[1]);
  }
  const planned = random.int(scenario.holdMs[0], scenario.holdMs[1]);
  const budgetMs = Math.floor(held.validUntilMs - ctx.clock.monotonicMs() - WRITE_BUDGET_MS);
  if (budgetMs < 1) return null;
  return Math.min(planned, budgetMs);
}

async function acquire(ctx: ClientContext, resource: string, lockId: string): Promise<Held | undefined> {
  record(ctx, 'invoke', 'acquire', resource, lockId);
  if (ctx.variant === 'no-validity-check') return naiveAcquire(ctx, resource, lockId);
  try {
    const lock = await ctx.redlock.acquire([resource], ctx.scenario.ttlMs);
    const fence = lock.fence?.toString();
    record(ctx, 'ok', 'acquire', resource, lockId, {
      ...(fence === undefined ? {} : { fence }),
      validUntilMs: ctx.clock.trueMsAt(lock.validUntilMs),
    });
    return { lockId, fence, validUntilMs: lock.validUntilMs, lock, value: lock.value };
  } catch (error) {
    record(ctx, error instanceof ExecutionError ? 'fail' : 'info', 'acquire', resource, lockId, { error: describe(error) });
    return undefined;
  }
}

async function extend(ctx: ClientContext, resource: string, held: Held): Promise<void> {
  const lock = held.lock;
  if (lock === undefined) return;
  const nextId = `${held.lockId}.e`;
  record(ctx, 'invoke', 'acquire', resource, nextId);
  try {
    const extended = await ctx.redlock.extend(lock, ctx.scenario.ttlMs);
    record(ctx, 'invoke', 'release', resource, held.lockId);
    record(ctx, 'ok', 'acquire', resource, nextId, { validUntilMs: ctx.clock.trueMsAt(extended.validUntilMs) });
    held.lock = extended;
    held.lockId = nextId;
    held.validUntilMs = extended.validUntilMs;
  } catch (error) {
    record(ctx, error instanceof ExecutionError ? 'fail' : 'info', 'acquire', resource, nextId, { error: describe(error) });
  }
}

async function write(ctx: ClientContext, resource: string, held: Held, read: number): Promise<void> {
  record(ctx, 'invoke', 'write', resource, held.lockId);
  const result = await ctx.register.write(resource, held.fence as string, read, ctx.actor);
  record(ctx, result.accepted ? 'ok' : 'fail', 'write', resource, held.lockId, { write: result });
}

async function release(ctx: ClientContext, resource: string, held: Held): Promise<void> {
  record(ctx, 'invoke', 'release', resource, held.lockId);
  try {
    if (ctx.variant === 'correct' && held.lock !== undefined) await ctx.redlock.release(held.lock);
    else if (ctx.variant === 'plain-del-release') await everyNode(ctx, ['DEL', resource], ctx.scenario.ttlMs);
    else await everyNode(ctx, ['EVAL', COMPARE_AND_DELETE, '1', resource, held.value ?? ''], NAIVE_WAIT_TTLS * ctx.scenario.ttlMs);
    record(ctx, 'ok', 'release', resource, held.lockId);
  } catch (error) {
    record(ctx, 'info', 'release', resource, held.lockId, { error: describe(error) });
  }
}

const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

async function naiveAcquire(ctx: ClientContext, resource: string, lockId: string): Promise<Held | undefined> {
  const { scenario } = ctx;
  const bytes = new Uint8Array(16);
  ctx.runtime.fillRandom(bytes);
  const value = Buffer.from(bytes).toString('hex');
  const replies = await everyNode(ctx, ['SET', resource, value, 'PX', String(scenario.ttlMs), 'NX'], NAIVE_WAIT_TTLS * scenario.ttlMs);
  const votes = replies.filter((reply) => reply === 'OK').length;
  const quorum = Math.floor(ctx.drivers.length / 2) + 1;
  if (votes < quorum) {
    await everyNode(ctx, ['EVAL', COMPARE_AND_DELETE, '1', resource, value], NAIVE_WAIT_TTLS * scenario.ttlMs);
    record(ctx, 'fail', 'acquire', resource, lockId, { error: `${votes} of ${ctx.drivers.length} nodes agreed` });
    return undefined;
  }
  // The bug under test: the full TTL from now, whatever the acquire took.
  const validUntilMs = ctx.clock.monotonicMs() + scenario.ttlMs;
  record(ctx, 'ok', 'acquire', resource, lockId, { validUntilMs: ctx.clock.trueMsAt(validUntilMs) });
  return { lockId, fence: undefined, validUntilMs, lock: undefined, value };
}

/** One command on every node, each reply or undefined (error or no reply within `waitMs`). */
function everyNode(ctx: ClientContext, args: readonly string[], waitMs: number): Promise<unknown[]> {
  return Promise.all(
    ctx.drivers.map(
      (driver) =>
        new Promise<unknown>((resolve) => {
          let settled = false;
          const timer = ctx.runtime.setTimer(() => {
            settled = true;
            resolve(undefined);
          }, waitMs);
          driver.command(args, (error, reply) => {
            if (settled) return;
            settled = true;
            ctx.runtime.clearTimer(timer);
            resolve(error === null ? reply : undefined);
          });
        }),
    ),
  );
}

function sleep(ctx: ClientContext, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => ctx.runtime.setTimer(resolve, ms));
}

function record(ctx: ClientContext, type: OpType, f: OpName, resource: string, lockId: string, extra: Partial<Op> = {}): void {
  ctx.history.push({ kind: 'op', type, f, worker: ctx.index, group: ctx.index, resource, lockId, timeMs: ctx.scheduler.nowMs, ...extra });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
