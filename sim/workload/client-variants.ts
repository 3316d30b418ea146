import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Redlock, ExecutionError, type Client, type NodeOutcome } from '../../src/index.js';
import { monotonicMs } from '../../src/clock.js';
import type { NodeRedisLike } from '../../src/clients/node-redis.js';
import type { Random } from '../random.js';
import type { ClientVariant, RangeMs } from './worker-config.js';

/** A lock the worker believes it holds. */
export interface HeldLock {
  readonly resource: string;
  /** The lock's random value: its identity, presented to the Kleppmann register with the token. */
  readonly value: string;
  /** Nodes that failed or timed out in the winning attempt (not those that refused because the lock was held). */
  readonly unreachable: readonly number[];
  /** The fencing token (decimal), when the client has one. */
  readonly fence: string | undefined;
  /** When the client believes the lock ends (monotonic ms). */
  readonly validUntilMs: number;
  /**
   * When the acquire handed the lock over (monotonic ms): the history's acquire ok. The
   * client may look up more after it (which nodes failed), and a pause in that lookup
   * must not move the ok past a validity end the library had rightly claimed.
   */
  readonly acquiredMs: number;
  release(): Promise<void>;
}

/** One lock client, correct or deliberately broken. */
export interface LockClient {
  acquire(resource: string): Promise<HeldLock>;
  /** How long to work between the read and the write; null: no time left, skip the write. */
  planHoldMs(held: HeldLock, random: Random, nowMs: number): number | null;
  quit(): Promise<void>;
}

/** A definite refusal by the naive client (no quorum): recorded as `fail`, like ExecutionError. */
export class QuorumRefusedError extends Error {
  override readonly name = 'QuorumRefusedError';
}

/**
 * How an acquire or release that threw is recorded: `fail` when it certainly did not
 * happen (every node answered, and too few agreed), `info` when the outcome is unknown:
 * a node timed out (its command may have been applied, only its reply lost), or the
 * error is not the library's answer at all.
 */
export function outcomeOf(error: unknown): 'fail' | 'info' {
  if (error instanceof QuorumRefusedError) return 'fail';
  if (!(error instanceof ExecutionError)) return 'info';
  const timedOut = (error.lastAttempt ?? []).some((outcome) => outcome.vote === 'against' && outcome.error?.name === 'NodeTimeoutError');
  return timedOut ? 'info' : 'fail';
}

/** Nodes that failed or timed out in an attempt (not those that refused because the lock was held). */
export function unreachableNodes(outcomes: readonly NodeOutcome[]): number[] {
  return outcomes
    .filter((outcome) => outcome.vote === 'against' && outcome.error?.name !== 'ResourceLockedError')
    .map((outcome) => outcome.node)
    .sort((a, b) => a - b);
}

/** The unreachable nodes of a failed acquire's last attempt (empty for other errors). */
export function unreachableOf(error: unknown): number[] {
  return error instanceof ExecutionError ? unreachableNodes(error.lastAttempt ?? []) : [];
}

export interface LockClientOptions {
  readonly variant: ClientVariant;
  /** One ioredis client per node, through the group's proxies. */
  readonly clients: readonly Redis[];
  /**
   * The clients the library's Redlock runs on, when not `clients` (the lab's
   * `--client node-redis`); the broken variants' own raw commands keep using `clients`.
   * Their owner closes them. @default clients
   */
  readonly redlockClients?: readonly (Client | NodeRedisLike)[];
  readonly ttlMs: number;
  readonly driftFactor: number;
  readonly fenced: boolean;
  readonly retryCount: number;
  readonly retryDelayMs: number;
  readonly nodeTimeoutMs: number;
  readonly holdMs: RangeMs;
  /** The library's retry jitter source in [0, 1), seeded from the run's seed. */
  readonly random: () => number;
}

// Time kept back for the write itself after the planned work: a correct client plans its
// critical section to end inside its validity, the spec's "finish within validity".
const WRITE_BUDGET_MS = 5;
// The broken clients overrun by this much beyond the TTL.
const OVERRUN_MS: RangeMs = [100, 400];
// How often the plain-DEL client overruns (as a GC pause would); its DEL then hits
// whoever holds the lock by then.
const PLAIN_DEL_OVERRUN_CHANCE = 0.15;
// The naive client waits this many TTLs for its nodes, as node-redlock waits for all
// replies: long enough that a paused process still counts the votes it finds on resume.
const NAIVE_WAIT_TTLS = 5;

const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export function createLockClient(options: LockClientOptions): LockClient {
  switch (options.variant) {
    case 'correct':
      return libraryClient(options, (held, random, nowMs) => plannedWithinValidity(options.holdMs, held, random, nowMs), 'compare-and-delete');
    case 'long-critical-section':
      return libraryClient(options, (_held, random) => options.ttlMs + random.int(...OVERRUN_MS), 'compare-and-delete');
    case 'plain-del-release':
      return libraryClient(
        options,
        (held, random, nowMs) =>
          random.chance(PLAIN_DEL_OVERRUN_CHANCE) ? options.ttlMs + random.int(...OVERRUN_MS) : plannedWithinValidity(options.holdMs, held, random, nowMs),
        'plain-del',
      );
    case 'no-validity-check':
      return naiveClient(options);
  }
}

function plannedWithinValidity(holdMs: RangeMs, held: HeldLock, random: Random, nowMs: number): number | null {
  const planned = random.int(holdMs[0], holdMs[1]);
  const budgetMs = Math.floor(held.validUntilMs - nowMs - WRITE_BUDGET_MS);
  if (budgetMs < 1) return null;
  return Math.min(planned, budgetMs);
}

function libraryClient(
  options: LockClientOptions,
  planHoldMs: LockClient['planHoldMs'],
  releaseBy: 'compare-and-delete' | 'plain-del',
): LockClient {
  // The clients the library locks on (node-redis ones with --client node-redis): votes are
  // keyed by them, so node indexes are found among them.
  const lockClients: readonly unknown[] = [...(options.redlockClients ?? options.clients)];
  const redlock = new Redlock(lockClients as Client[], {
    driftFactor: options.driftFactor,
    retryCount: options.retryCount,
    retryDelay: options.retryDelayMs,
    retryJitter: Math.floor(options.retryDelayMs / 2),
    nodeTimeoutMs: options.nodeTimeoutMs,
    fencing: options.fenced,
  }, { random: options.random });
  // Per-node errors are expected under faults; the outcome of each call is what we record.
  redlock.on('error', () => {});
  return {
    async acquire(resource) {
      const lock = await redlock.acquire([resource], options.ttlMs);
      const acquiredMs = monotonicMs();
      // Resolves once every node has answered, up to the node timeout after the quorum.
      const last = await lock.attempts[lock.attempts.length - 1];
      const unreachable = last === undefined ? [] : [...last.votesAgainst].filter(([, error]) => error.name !== 'ResourceLockedError').map(([client]) => lockClients.indexOf(client)).sort((a, b) => a - b);
      return {
        resource,
        value: lock.value,
        unreachable,
        fence: lock.fence === undefined ? undefined : lock.fence.toString(),
        validUntilMs: lock.validUntilMs,
        acquiredMs,
        release: async () => {
          if (releaseBy === 'plain-del') await plainDelete(options.clients, resource, options.nodeTimeoutMs);
          else await lock.release();
        },
      };
    },
    planHoldMs,
    quit: () => quitAll(options.clients),
  };
}

function naiveClient(options: LockClientOptions): LockClient {
  const quorum = Math.floor(options.clients.length / 2) + 1;
  const waitMs = NAIVE_WAIT_TTLS * options.ttlMs;
  const releaseAll = async (resource: string, value: string): Promise<void> => {
    await Promise.all(options.clients.map((client) => withTimeout(client.eval(COMPARE_AND_DELETE, 1, resource, value), waitMs).catch(() => 0)));
  };
  return {
    async acquire(resource) {
      const value = randomBytes(16).toString('hex');
      const replies = await Promise.all(
        options.clients.map((client) =>
          withTimeout(client.set(resource, value, 'PX', options.ttlMs, 'NX'), waitMs).then(
            (reply) => reply === 'OK',
            () => false,
          ),
        ),
      );
      const votes = replies.filter(Boolean).length;
      if (votes < quorum) {
        await releaseAll(resource, value);
        throw new QuorumRefusedError(`${votes} of ${options.clients.length} nodes agreed, ${quorum} needed`);
      }
      // The bug under test: the full TTL from now, whatever the acquire took.
      const acquiredMs = monotonicMs();
      return { resource, value, unreachable: [], fence: undefined, validUntilMs: acquiredMs + options.ttlMs, acquiredMs, release: () => releaseAll(resource, value) };
    },
    planHoldMs: (held, random, nowMs) => plannedWithinValidity(options.holdMs, held, random, nowMs),
    quit: () => quitAll(options.clients),
  };
}

async function plainDelete(clients: readonly Redis[], resource: string, timeoutMs: number): Promise<void> {
  await Promise.all(clients.map((client) => withTimeout(client.del(resource), timeoutMs).catch(() => 0)));
}

async function quitAll(clients: readonly Redis[]): Promise<void> {
  await Promise.all(clients.map((client) => withTimeout(client.quit(), 500).catch(() => client.disconnect())));
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
