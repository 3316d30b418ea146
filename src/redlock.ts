import { EventEmitter } from 'node:events';
import { abortableSleep } from './abortable-sleep.js';
import { AttemptLog } from './attempt-log.js';
import { attemptChannel, publishAttempt } from './diagnostics.js';
import { ExecutionError, type ExecutionFailure } from './errors/execution-error.js';
import { ResourceLockedError } from './errors/resource-locked-error.js';
import { failureReason } from './failure-reason.js';
import { fanOut, type FanOut, type Judge } from './fan-out.js';
import { Lock } from './lock.js';
import { lockValueSource, type LockValueSource } from './lock-value.js';
import { adaptClient } from './clients/adapt.js';
import type { NodeClient } from './clients/node-client.js';
import { resolveRuntime, type RedlockInternals } from './redlock-internals.js';
import type { Runtime } from './runtime.js';
import { acquireTracing, extendTracing, releaseTracing, type OperationContext } from './tracing.js';
import { ReleaseNotifier } from './release-notifier.js';
import { Node, type Reply } from './node.js';
import { retryDelayMs } from './retry-delay.js';
import { ACQUIRE, EXTEND, FENCE, RELEASE, fenceKey } from './scripts.js';
import { DEFAULT_SETTINGS, maxAttempts, mergeSettings, nodeTimeoutFor, type CallSettings, type Settings } from './settings.js';
import type { Client, ExecutionResult, NodeOutcome, Operation, RedlockAbortSignal } from './types.js';
import { runUsing } from './using.js';
import { checkClients, checkDuration, checkResources } from './validate.js';
import { validityMs } from './validity.js';

/** node-redlock v5's words when an operation runs out of attempts. */
const NO_QUORUM_MESSAGE = 'The operation was unable to achieve a quorum during its retry window.';

export type { RedlockInternals } from './redlock-internals.js';

type Routine<T> = (signal: RedlockAbortSignal) => Promise<T>;

/**
 * A Redlock client over N independent Redis masters. Its API is node-redlock v5's, so
 * code written for `redlock@5` runs after changing the import.
 *
 * Events: `error` (every node's refusal or error in any attempt, ResourceLockedError
 * included as in node-redlock v5; only emitted when someone listens,
 * because an `error` event with no listener would crash the process; every error is
 * also in the attempt statistics and on the `redquorum:attempt` diagnostics channel).
 */
export class Redlock extends EventEmitter {
  readonly clients: Set<Client>;
  readonly settings: Settings;
  private readonly nodes: readonly Node[];
  private readonly runtime: Runtime;
  private readonly clock: () => number;
  private readonly lockValue: LockValueSource;
  // Each lock's TTL, to size the per-node timeout of its release.
  private readonly durations = new WeakMap<Lock, number>();
  private notifier: ReleaseNotifier | undefined;

  constructor(clients: Iterable<Client | NodeClient>, settings: Partial<Settings> = {}, internals: RedlockInternals = {}) {
    super();
    const list = checkClients(clients);
    this.settings = Object.freeze(mergeSettings(DEFAULT_SETTINGS, settings));
    this.runtime = resolveRuntime(internals);
    this.clock = this.runtime.monotonicMs;
    this.lockValue = lockValueSource(this.runtime.fillRandom);
    this.clients = new Set(list);
    this.nodes = list.map((client, index) => new Node(index, client, adaptClient(client, index, this.runtime)));
  }

  /** Runs `quit()` on every client, and closes the release subscribers if any. */
  async quit(): Promise<void> {
    await this.notifier?.quit();
    await Promise.all([...this.clients].map((client) => (typeof client.quit === 'function' ? client.quit() : undefined)));
  }

  /**
   * Locks `resources` for `duration` ms on a quorum. Resolves only when a quorum
   * agreed and validity time is left (TTL - elapsed - drift > 0); every failed attempt
   * is released on every node before the next.
   */
  acquire(resources: string[], duration: number, settings?: CallSettings): Promise<Lock> {
    if (!acquireTracing.hasSubscribers) return this.acquireUntraced(resources, duration, settings, undefined);
    const context: OperationContext = { operation: 'acquire', resources: [...(Array.isArray(resources) ? resources : [])], durationMs: duration };
    return acquireTracing.tracePromise(() => this.acquireUntraced(resources, duration, settings, context), context);
  }

  private async acquireUntraced(resources: string[], duration: number, settings: CallSettings | undefined, trace: OperationContext | undefined): Promise<Lock> {
    const keys = checkResources(resources);
    const ttlMs = checkDuration(duration);
    const s = mergeSettings(this.settings, settings);
    const signal = settings?.signal;
    signal?.throwIfAborted();
    if (!s.releaseNotifications) {
      return this.acquireLoop(keys, ttlMs, s, signal, () => abortableSleep(this.retryDelay(s), signal, this.runtime), trace);
    }
    // Waiters of this process for the same resources queue in one line: only the first
    // retries when a release is published, so a hot lock passes from one waiter to the
    // next in arrival order, at one attempt per release instead of one per waiter.
    this.notifier ??= new ReleaseNotifier(
      this.nodes.map((node) => node.driver),
      { runtime: this.runtime, onError: (error) => this.emitError(error) },
    );
    const notifier = this.notifier;
    const ticket = notifier.joinLine(keys);
    const waitForTurn = async (sinceMs: number): Promise<void> => {
      const delayMs = this.retryDelay(s);
      if ((await notifier.waitForTurn(ticket, delayMs, signal, sinceMs)) === 'aborted') signal?.throwIfAborted();
    };
    let acquired = false;
    try {
      if (!ticket.first) await waitForTurn(this.clock());
      const lock = await this.acquireLoop(keys, ttlMs, s, signal, waitForTurn, trace);
      acquired = true;
      return lock;
    } finally {
      // Leaving without the lock hands the turn on at once: no release of ours will.
      ticket.leave(acquired);
    }
  }

  /**
   * The attempts of one acquire. `waitToRetry` gets the start of the failed attempt (a
   * release seen since then must not be missed) and resolves when the next may begin.
   */
  private async acquireLoop(
    keys: string[],
    ttlMs: number,
    s: Settings,
    signal: AbortSignal | undefined,
    waitToRetry: (attemptStartMs: number) => Promise<void>,
    trace: OperationContext | undefined,
  ): Promise<Lock> {
    const value = this.lockValue();
    const scriptKeys = s.fencing ? [...keys, ...keys.map(fenceKey)] : keys;
    const args = [value, String(ttlMs), String(keys.length)];
    const timeoutMs = nodeTimeoutFor(s, ttlMs);
    const attempts = new AttemptLog();
    const attemptsMax = maxAttempts(s);

    for (let attempt = 1; ; attempt += 1) {
      const startMs = this.clock();
      let reason: ExecutionFailure;
      let outcomes: ReadonlyMap<number, NodeOutcome>;
      try {
        const votes = await this.untilAborted(
          this.fanOut((node, done) => node.run(ACQUIRE, scriptKeys, args, done), judgeAcquire(keys), timeoutMs),
          signal,
        );
        attempts.push(votes.stats);
        outcomes = votes.outcomes;
        if (votes.decision === 'for') {
          const fence = s.fencing ? await this.writeFence(keys, votes.values.values(), timeoutMs) : undefined;
          const elapsedMs = this.clock() - startMs;
          const validity = validityMs(ttlMs, elapsedMs, s.driftFactor);
          this.report('acquire', keys, attempt, votes, elapsedMs, validity, trace);
          if (fence !== null && validity > 0) {
            if (trace) {
              trace.validityMs = validity;
              if (fence !== undefined) trace.fence = fence;
            }
            const lock = new Lock(this, keys, value, attempts.list, this.runtime.wallMs() + validity, startMs + elapsedMs + validity, fence, this.clock);
            this.durations.set(lock, ttlMs);
            return lock;
          }
          reason = fence === null ? 'unavailable' : 'validity';
        } else {
          this.report('acquire', keys, attempt, votes, this.clock() - startMs, undefined, trace);
          reason = failureReason(outcomes.values());
        }
      } catch (error) {
        // Aborted mid-attempt: some nodes may have set the key; take it back first.
        await this.releaseEverywhere(keys, value, timeoutMs);
        throw error;
      }
      await this.releaseEverywhere(keys, value, timeoutMs);
      if (attempt >= attemptsMax) {
        throw new ExecutionError(NO_QUORUM_MESSAGE, attempts.list, {
          operation: 'acquire',
          resources: keys,
          reason,
          attemptCount: attempts.count,
          lastAttempt: [...outcomes.values()],
        });
      }
      await waitToRetry(startMs);
    }
  }

  /**
   * Deletes the lock on every node that still holds its value (compare-and-delete).
   * Releasing a lock that already expired is not an error; failing to reach a quorum
   * is, though the lock then still expires by itself.
   */
  release(lock: Lock, settings?: CallSettings): Promise<ExecutionResult> {
    if (!releaseTracing.hasSubscribers) return this.releaseUntraced(lock, settings, undefined);
    const context: OperationContext = { operation: 'release', resources: [...((lock as Partial<Lock> | null)?.resources ?? [])] };
    return releaseTracing.tracePromise(() => this.releaseUntraced(lock, settings, context), context);
  }

  private async releaseUntraced(lock: Lock, settings: CallSettings | undefined, trace: OperationContext | undefined): Promise<ExecutionResult> {
    checkLock(lock);
    const s = mergeSettings(this.settings, settings);
    lock.expiration = 0;
    // Even a failed release ends the lock for its owner: no Lock of it is disposed again.
    if (typeof lock.markReleased === 'function') lock.markReleased();
    const timeoutMs = nodeTimeoutFor(s, this.durations.get(lock) ?? 1000);
    const attempts = new AttemptLog();
    const attemptsMax = maxAttempts(s);
    for (let attempt = 1; ; attempt += 1) {
      const startMs = this.clock();
      const votes = await this.fanOut((node, done) => node.run(RELEASE, lock.resources, [lock.value, '1'], done), judgeAnyReply, timeoutMs);
      attempts.push(votes.stats);
      this.report('release', lock.resources, attempt, votes, this.clock() - startMs, undefined, trace);
      if (votes.decision === 'for') return { attempts: attempts.list };
      if (attempt >= attemptsMax) {
        throw new ExecutionError(NO_QUORUM_MESSAGE, attempts.list, {
          operation: 'release',
          resources: lock.resources,
          reason: failureReason(votes.outcomes.values()),
          attemptCount: attempts.count,
          lastAttempt: [...votes.outcomes.values()],
        });
      }
      await abortableSleep(this.retryDelay(s), settings?.signal, this.runtime);
    }
  }

  /**
   * Extends a valid lock to `duration` ms from now (compare-and-pexpire). A quorum must
   * agree before the current validity ends; the old Lock is then spent (expiration 0)
   * and a new one, with the same value and fence, is returned.
   */
  extend(existing: Lock, duration: number, settings?: CallSettings): Promise<Lock> {
    if (!extendTracing.hasSubscribers) return this.extendUntraced(existing, duration, settings, undefined);
    const context: OperationContext = { operation: 'extend', resources: [...((existing as Partial<Lock> | null)?.resources ?? [])], durationMs: duration };
    return extendTracing.tracePromise(() => this.extendUntraced(existing, duration, settings, context), context);
  }

  private async extendUntraced(existing: Lock, duration: number, settings: CallSettings | undefined, trace: OperationContext | undefined): Promise<Lock> {
    checkLock(existing);
    const ttlMs = checkDuration(duration);
    const s = mergeSettings(this.settings, settings);
    const signal = settings?.signal;
    signal?.throwIfAborted();
    const timeoutMs = nodeTimeoutFor(s, ttlMs);
    const attempts = new AttemptLog();
    const attemptsMax = maxAttempts(s);
    let reason: ExecutionFailure = 'expired';
    let outcomes: readonly NodeOutcome[] = [];
    for (let attempt = 1; existing.expiration !== 0 && this.clock() < existing.validUntilMs; attempt += 1) {
      const startMs = this.clock();
      const votes = await this.untilAborted(
        this.fanOut((node, done) => node.run(EXTEND, existing.resources, [existing.value, String(ttlMs)], done), judgeExtend(existing.resources), timeoutMs),
        signal,
      );
      attempts.push(votes.stats);
      outcomes = [...votes.outcomes.values()];
      const endMs = this.clock();
      const validity = validityMs(ttlMs, endMs - startMs, s.driftFactor);
      this.report('extend', existing.resources, attempt, votes, endMs - startMs, validity, trace);
      if (votes.decision === 'for') {
        // A quorum reached after the old validity ended proves nothing about the gap.
        if (endMs >= existing.validUntilMs) {
          reason = 'expired';
          break;
        }
        if (validity > 0) {
          existing.expiration = 0;
          if (trace) trace.validityMs = validity;
          const lock = existing.successor(attempts.list, this.runtime.wallMs() + validity, endMs + validity);
          this.durations.set(lock, ttlMs);
          return lock;
        }
        reason = 'validity';
      } else {
        reason = failureReason(outcomes);
      }
      if (attempt >= attemptsMax) break;
      const leftMs = existing.validUntilMs - this.clock();
      if (leftMs <= 0) {
        reason = 'expired';
        break;
      }
      await abortableSleep(Math.min(leftMs, this.retryDelay(s)), signal, this.runtime);
    }
    const message = attempts.count === 0 ? 'Cannot extend an already-expired lock.' : NO_QUORUM_MESSAGE;
    throw new ExecutionError(message, attempts.list, {
      operation: 'extend',
      resources: existing.resources,
      reason,
      attemptCount: attempts.count,
      lastAttempt: outcomes,
    });
  }

  /**
   * Runs `routine` while holding the lock, extending it before it expires. The
   * routine's signal aborts (with `signal.error`) when an extension fails or validity
   * runs out. Always releases; returns the routine's value or rethrows its error.
   */
  using<T>(resources: string[], duration: number, settings: CallSettings, routine?: Routine<T>): Promise<T>;
  using<T>(resources: string[], duration: number, routine: Routine<T>): Promise<T>;
  async using<T>(resources: string[], duration: number, settingsOrRoutine: CallSettings | Routine<T>, optionalRoutine?: Routine<T>): Promise<T> {
    const settings = typeof settingsOrRoutine === 'function' ? undefined : settingsOrRoutine;
    const routine = typeof settingsOrRoutine === 'function' ? settingsOrRoutine : optionalRoutine;
    if (typeof routine !== 'function') throw new TypeError('routine must be a function (signal) => Promise');
    checkResources(resources);
    const ttlMs = checkDuration(duration);
    const s = mergeSettings(this.settings, settings);
    if (s.automaticExtensionThreshold > ttlMs - 100) {
      throw new RangeError(
        'A lock `duration` must be at least 100ms greater than the `automaticExtensionThreshold` setting. ' +
          `(duration: got ${ttlMs}; allowed: ${s.automaticExtensionThreshold + 100} or more with automaticExtensionThreshold ${s.automaticExtensionThreshold})`,
      );
    }
    return runUsing({
      acquire: () => this.acquire(resources, ttlMs, settings),
      extend: (lock) => this.extend(lock, ttlMs, settings),
      release: (lock) => this.release(lock, settings?.signal ? { ...settings, signal: undefined } : settings),
      runtime: this.runtime,
      thresholdMs: s.automaticExtensionThreshold,
      signal: settings?.signal,
      routine,
      onReleaseError: (error) => this.emitError(error),
    });
  }

  /** The jittered pause before the next attempt. */
  private retryDelay(s: Settings): number {
    return retryDelayMs(s.retryDelay, s.retryJitter, this.runtime.random);
  }

  private fanOut<T>(send: (node: Node, done: Reply) => void, judge: Judge<T>, timeoutMs: number): Promise<FanOut<T>> {
    return fanOut(this.nodes, send, judge, timeoutMs, this.runtime);
  }

  /**
   * Raises the resources' fencing counters to max(read on the quorum) + 1 on a quorum.
   * Any two quorums intersect, so a later reader sees this token or a greater one.
   * Returns null when the write-back could not reach a quorum.
   */
  private async writeFence(keys: readonly string[], readTokens: Iterable<unknown>, timeoutMs: number): Promise<bigint | null> {
    let max = 0n;
    for (const token of readTokens) {
      const read = BigInt(token as string);
      if (read > max) max = read;
    }
    const fence = max + 1n;
    const votes = await this.fanOut((node, done) => node.run(FENCE, keys.map(fenceKey), [fence.toString()], done), judgeAnyReply, timeoutMs);
    return votes.decision === 'for' ? fence : null;
  }

  /** Releases on every node, including those that refused or timed out, and waits for all. */
  private async releaseEverywhere(keys: readonly string[], value: string, timeoutMs: number): Promise<void> {
    const votes = await this.fanOut((node, done) => node.run(RELEASE, keys, [value, '0'], done), judgeAnyReply, timeoutMs);
    const outcomes = await votes.all;
    for (const outcome of outcomes) if (outcome.error) this.emitError(outcome.error);
  }

  private untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return work;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private report(
    operation: Operation,
    resources: readonly string[],
    attempt: number,
    votes: FanOut<unknown>,
    elapsedMs: number,
    validity: number | undefined,
    trace: OperationContext | undefined,
  ): void {
    if (trace) {
      trace.attempts = attempt;
      let votesFor = 0;
      for (const outcome of votes.outcomes.values()) if (outcome.vote === 'for') votesFor += 1;
      trace.votesFor = votesFor;
      trace.votesAgainst = votes.outcomes.size - votesFor;
    }
    // Both consumers are optional; with neither, an attempt costs no event object.
    if (attemptChannel.hasSubscribers) {
      publishAttempt({
        operation,
        resources,
        attempt,
        decision: votes.decision,
        outcomes: [...votes.outcomes.values()],
        elapsedMs,
        ...(validity === undefined ? {} : { validityMs: validity }),
      });
    }
    if (this.listenerCount('error') === 0) return;
    // As node-redlock v5 does, every refusal is emitted, ResourceLockedError included.
    for (const outcome of votes.outcomes.values()) if (outcome.error) this.emit('error', outcome.error);
  }

  private emitError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

function judgeAcquire(keys: readonly string[]) {
  return (reply: unknown, node: Node): { value: string } | Error => {
    if (!Array.isArray(reply) || reply.length !== 2) return new Error(`node ${node.index} (${node.address}): unexpected acquire reply ${JSON.stringify(reply)}`);
    const [status, detail] = reply as [unknown, unknown];
    if (status === 1) return { value: String(detail) };
    const resource = keys[Number(detail) - 1];
    return new ResourceLockedError(
      `The operation was applied to: 0 of the ${keys.length} requested resources. ` +
        `(${JSON.stringify(resource)} is held by another lock on node ${node.index} (${node.address}))`,
    );
  };
}

function judgeExtend(keys: readonly string[]) {
  return (reply: unknown, node: Node): { value: true } | Error => {
    if (reply === 1) return { value: true };
    return new ResourceLockedError(
      `The operation was applied to: 0 of the ${keys.length} requested resources. (the lock is no longer held on node ${node.index} (${node.address}))`,
    );
  };
}

function judgeAnyReply(): { value: true } {
  return { value: true };
}

function checkLock(lock: unknown): asserts lock is Lock {
  if (
    lock === null ||
    typeof lock !== 'object' ||
    !Array.isArray((lock as Lock).resources) ||
    typeof (lock as Lock).value !== 'string'
  ) {
    throw new TypeError('lock must be a Lock returned by acquire() or extend()');
  }
}

export default Redlock;
