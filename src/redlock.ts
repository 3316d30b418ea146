import { EventEmitter, setMaxListeners } from 'node:events';
import { abortableSleep } from './abortable-sleep.js';
import type { AttemptLog } from './attempt-log.js';
import { adaptClient } from './clients/adapt.js';
import type { NodeClient } from './clients/node-client.js';
import type { NodeRedisLike } from './clients/node-redis.js';
import { attemptChannel, publishAttempt } from './diagnostics.js';
import { EXPIRED_MESSAGE, ExecutionError } from './errors/execution-error.js';
import { LockNotHeldError } from './errors/lock-not-held-error.js';
import { NodeUnavailableError } from './errors/node-unavailable-error.js';
import { RedlockClosedError } from './errors/redlock-closed-error.js';
import { ResourceLockedError } from './errors/resource-locked-error.js';
import { failureReason } from './failure-reason.js';
import { fanOut, type FanOut, type Judge } from './fan-out.js';
import { INSPECT_NODE_TIMEOUT_MS, inspectResources, type Inspection } from './inspect.js';
import { fastFence, fenceKey, nextFence, proposeFence } from './fencing.js';
import { checkClusterSlots } from './key-slot.js';
import { judgeAcquire, judgeExtend, judgeRelease } from './judges.js';
import { untilAborted } from './until-aborted.js';
import { Lock, lineageOf, type Lineage } from './lock.js';
import { lockValueSource, type LockValueSource } from './lock-value.js';
import { Node } from './node.js';
import { decide, quorumSize } from './quorum.js';
import { resolveRuntime, type RedlockInternals } from './redlock-internals.js';
import { LINGER_MS, ReleaseNotifier, type LineTicket } from './release-notifier.js';
import { retryDelayMs } from './retry-delay.js';
import { withRetries, type AttemptResult } from './retry.js';
import type { Runtime } from './runtime.js';
import { ACQUIRE, EXTEND, FENCE, RELEASE, RELEASE_AND_NOTIFY, type Script } from './scripts.js';
import { DEFAULT_SETTINGS, maxAttempts, mergeSettings, nodeTimeoutFor, type CallSettings, type ResolvedSettings, type Settings } from './settings.js';
import { acquireTracing, extendTracing, releaseTracing, type OperationContext } from './tracing.js';
import type { Client, ExecutionResult, Operation, RedlockAbortSignal } from './types.js';
import { singleKeyAcquire, type AcquireCommand } from './single-key-acquire.js';
import { runUsing } from './using.js';
import { checkClients, checkDuration, checkResources } from './validate.js';
import { driftMs, validityMs } from './validity.js';

export type { RedlockInternals } from './redlock-internals.js';

type Routine<T> = (signal: RedlockAbortSignal) => Promise<T>;

/** What every attempt of one acquire shares. */
interface AcquireRequest {
  /** The resources, as given (a Lock's `resources` is a mutable array, as in v5). */
  readonly keys: string[];
  /** What every node is sent for a lock value (and, when fencing, a proposed token), and how its reply is judged. */
  readonly command: (value: string, proposed: bigint | undefined) => AcquireCommand;
  /** The resources' fencing counters, when fencing (made once per acquire, not per attempt). */
  readonly fenceKeys: readonly string[] | undefined;
  readonly ttlMs: number;
  readonly timeoutMs: number;
  readonly s: ResolvedSettings;
  readonly signal: AbortSignal | undefined;
  readonly trace: OperationContext | undefined;
}

/**
 * A Redlock client over N independent Redis masters. Its API is node-redlock v5's, so
 * code written for `redlock@5` runs after changing the import.
 *
 * Events: `error` (every node's refusal or error in any attempt, ResourceLockedError
 * included as in node-redlock v5; only emitted when someone listens, because an `error`
 * event with no listener would crash the process; every error is also in the attempt
 * statistics and on the `redquorum:attempt` diagnostics channel).
 */
export class Redlock extends EventEmitter {
  readonly clients: Set<Client>;
  readonly settings: Settings;
  private readonly resolved: ResolvedSettings;
  private readonly nodes: readonly Node[];
  private readonly runtime: Runtime;
  private readonly clock: () => number;
  private readonly lockValue: LockValueSource;
  private readonly closing = new AbortController();
  private notifier: ReleaseNotifier | undefined;
  /** The last token a fenced acquire attempt of this Redlock proposed (see proposeFence). */
  private lastProposedFence = 0n;

  constructor(clients: Iterable<Client | NodeRedisLike | NodeClient>, settings: Partial<Settings> = {}, internals: RedlockInternals = {}) {
    super();
    // Every call waiting to retry listens to it, as many as the caller runs at once: not
    // a leak past 10, which is what Node would warn about.
    setMaxListeners(0, this.closing.signal);
    const list = checkClients(clients);
    this.resolved = Object.freeze(mergeSettings(DEFAULT_SETTINGS, settings));
    this.settings = this.resolved;
    this.runtime = resolveRuntime(internals);
    this.clock = this.runtime.monotonicMs;
    this.lockValue = lockValueSource(this.runtime.fillRandom);
    this.clients = new Set(list);
    this.nodes = list.map((client, index) => new Node(index, client, adaptClient(client, index, this.runtime)));
  }

  /**
   * Ends this Redlock: operations waiting to retry reject with RedlockClosedError, new
   * ones are refused, the release subscriptions are given up, and `quit()` is run on
   * every client (as in v5).
   */
  async quit(): Promise<void> {
    if (!this.closing.signal.aborted) this.closing.abort(new RedlockClosedError());
    this.notifier?.quit();
    await Promise.all([...this.clients].map((client) => (typeof client.quit === 'function' ? client.quit() : undefined)));
  }

  /**
   * Locks `resources` for `duration` ms on a quorum. Resolves only when a quorum
   * agreed and validity time is left (TTL - elapsed - drift > 0); every failed attempt
   * is taken back on every node before the next.
   */
  acquire(resources: string[], duration: number, settings?: CallSettings): Promise<Lock> {
    if (!acquireTracing.hasSubscribers) return this.acquireUntraced(resources, duration, settings, undefined);
    const context: OperationContext = { operation: 'acquire', resources: Array.isArray(resources) ? [...resources] : [], durationMs: duration };
    return acquireTracing.tracePromise(() => this.acquireUntraced(resources, duration, settings, context), context);
  }

  /**
   * Deletes the lock on every node that still holds its value (compare-and-delete).
   * Releasing a lock that already expired is not an error; failing to reach a quorum
   * is, though the lock then still expires by itself. No retry is made once every key of
   * the lock has surely expired.
   */
  release(lock: Lock, settings?: CallSettings): Promise<ExecutionResult> {
    if (!releaseTracing.hasSubscribers) return this.releaseUntraced(lock, settings, undefined);
    const context: OperationContext = { operation: 'release', resources: [...((lock as Partial<Lock> | null)?.resources ?? [])] };
    return releaseTracing.tracePromise(() => this.releaseUntraced(lock, settings, context), context);
  }

  /**
   * Extends a valid lock to `duration` ms from now (compare-and-pexpire; a key's time
   * left is never shortened). A quorum must agree before the current validity ends; the
   * old Lock is then spent (expiration 0) and a new one, with the same value and fence,
   * is returned. When a quorum answers that the lock is no longer held, it fails at once
   * (reason `lost`).
   */
  extend(existing: Lock, duration: number, settings?: CallSettings): Promise<Lock> {
    if (!extendTracing.hasSubscribers) return this.extendUntraced(existing, duration, settings, undefined);
    const context: OperationContext = { operation: 'extend', resources: [...((existing as Partial<Lock> | null)?.resources ?? [])], durationMs: duration };
    return extendTracing.tracePromise(() => this.extendUntraced(existing, duration, settings, context), context);
  }

  /**
   * A quorum read of whether one lock holds `resources`, and for how long at least
   * (`heldForMs`). It reserves nothing: see Inspection. Per-node timeout: `nodeTimeoutMs`,
   * default 1,000 ms; no retries. On Redis Cluster clients the resources must share a hash
   * slot, as for acquire (RangeError otherwise, before anything is sent).
   */
  async inspect(resources: string[], settings?: CallSettings): Promise<Inspection> {
    const s = mergeSettings(this.resolved, settings);
    const timeoutMs = s.nodeTimeoutMs ?? INSPECT_NODE_TIMEOUT_MS;
    const keys = checkResources(resources);
    checkClusterSlots(this.nodes, keys, false);
    return inspectResources(keys, {
      membershipSize: this.nodes.length,
      driftFactor: s.driftFactor,
      clock: this.clock,
      fanOut: (script, scriptKeys, judge) => this.fanOut(script, scriptKeys, [], judge, timeoutMs),
    });
  }

  /**
   * Runs `routine` while holding the lock, extending it before it expires. The
   * routine's signal aborts (with `signal.error`) when an extension fails, a quorum says
   * the lock is gone, or validity runs out. Always releases; returns the routine's value
   * or rethrows its error.
   */
  using<T>(resources: string[], duration: number, settings: Partial<Settings> & CallSettings, routine?: Routine<T>): Promise<T>;
  using<T>(resources: string[], duration: number, routine: Routine<T>): Promise<T>;
  async using<T>(resources: string[], duration: number, settingsOrRoutine: CallSettings | Routine<T>, optionalRoutine?: Routine<T>): Promise<T> {
    const settings = typeof settingsOrRoutine === 'function' ? undefined : settingsOrRoutine;
    const routine = typeof settingsOrRoutine === 'function' ? settingsOrRoutine : optionalRoutine;
    if (typeof routine !== 'function') throw new TypeError('routine must be a function (signal) => Promise');
    checkResources(resources);
    const ttlMs = checkDuration(duration);
    const s = mergeSettings(this.resolved, settings);
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

  private async acquireUntraced(resources: string[], duration: number, settings: CallSettings | undefined, trace: OperationContext | undefined): Promise<Lock> {
    const keys = checkResources(resources);
    const ttlMs = checkDuration(duration);
    const s = mergeSettings(this.resolved, settings);
    const signal = settings?.signal;
    signal?.throwIfAborted();
    this.throwIfClosed();
    const fenceKeys = s.fencing ? keys.map(fenceKey) : undefined;
    const scriptKeys = fenceKeys ? [...keys, ...fenceKeys] : keys;
    checkClusterSlots(this.nodes, keys, s.fencing);
    // One resource without fencing needs no script: a plain SET NX PX.
    const judge = judgeAcquire(keys);
    const ttlArg = String(ttlMs);
    const countArg = String(keys.length);
    const command =
      !s.fencing && keys.length === 1
        ? (value: string): AcquireCommand => singleKeyAcquire(keys[0] ?? '', value, ttlMs)
        : (value: string, proposed: bigint | undefined): AcquireCommand => ({
            script: ACQUIRE,
            keys: scriptKeys,
            args: proposed === undefined ? [value, ttlArg, countArg] : [value, ttlArg, countArg, proposed.toString()],
            judge,
            refusalProvesNoKey: true,
          });
    const timeoutMs = nodeTimeoutFor(s, ttlMs);
    const request: AcquireRequest = { keys, command, fenceKeys, ttlMs, timeoutMs, s, signal, trace };
    const attemptsMax = maxAttempts(s);
    // Waiters of this process for the same resources queue in one line: only the first
    // retries when a release is published, so a hot lock passes from one waiter to the
    // next in arrival order, at one attempt per release instead of one per waiter. A
    // call that will not retry has nothing to wait for, so it does not queue.
    const ticket = s.releaseNotifications && attemptsMax > 1 ? this.releaseNotifier().joinLine(keys) : undefined;
    let acquired = false;
    try {
      if (ticket && !ticket.first) await this.waitToRetry(s, signal, ticket, this.clock());
      const lock = await withRetries<Lock>({
        operation: 'acquire',
        resources: keys,
        attemptsMax,
        clock: this.clock,
        attempt: (attempt, startMs, log) => this.attemptAcquire(request, attempt, startMs, log),
        waitToRetry: async (attemptStartMs) => {
          await this.waitToRetry(s, signal, ticket, attemptStartMs);
          return undefined;
        },
      });
      acquired = true;
      return lock;
    } finally {
      // Leaving without the lock hands the turn on at once: no release of ours will.
      ticket?.leave(acquired);
    }
  }

  /** One acquire attempt: lock on a quorum, fence if asked, check validity; a failed attempt is taken back. */
  private async attemptAcquire(request: AcquireRequest, attempt: number, startMs: number, log: AttemptLog): Promise<AttemptResult<Lock>> {
    const { keys, fenceKeys, ttlMs, timeoutMs, s, signal, trace } = request;
    // A fresh value per attempt: a failed attempt's take-back, delayed on its way to a node
    // (a driver resending a script as EVAL after NOSCRIPT, a slow connection), can then
    // never delete the key a later attempt of the same acquire set there.
    const value = this.lockValue();
    // Every attempt proposes a token of its own: its nodes raise their counters to it.
    const proposed = fenceKeys ? (this.lastProposedFence = proposeFence(this.runtime.wallMs(), this.lastProposedFence)) : undefined;
    const command = request.command(value, proposed);
    const answered = new Set<number>();
    const takeBack = (votes?: FanOut<unknown>): Promise<void> => this.takeBack(keys, value, timeoutMs, answered, votes, command.refusalProvesNoKey);
    let votes: FanOut<string>;
    try {
      votes = await untilAborted(this.fanOut(command.script, command.keys, command.args, command.judge, timeoutMs, answered), signal);
    } catch (error) {
      // Aborted mid-attempt: some nodes may have set the key; take it back first.
      await takeBack();
      throw error;
    }
    log.push(votes.stats);
    let fence: bigint | undefined = votes.decision === 'for' && proposed !== undefined ? fastFence(votes.values.values(), proposed) : undefined;
    // The proposal was not above every counter read: the token comes from the counters,
    // and is written back to a quorum (a third round trip).
    if (votes.decision === 'for' && fenceKeys && fence === undefined) {
      let written: { fence: bigint | undefined; votes: FanOut<true> };
      try {
        written = await untilAborted(this.writeFence(keys, fenceKeys, votes.values.values(), timeoutMs, attempt), signal);
      } catch (error) {
        await takeBack(votes);
        throw error;
      }
      if (written.fence === undefined) {
        this.report('acquire', keys, attempt, votes, this.clock() - startMs, undefined, trace);
        await takeBack(votes);
        return { ok: false, reason: failureReason(written.votes.outcomes.values()), outcomes: [...written.votes.outcomes.values()] };
      }
      fence = written.fence;
    }
    const endMs = this.clock();
    const validity = votes.decision === 'for' ? validityMs(ttlMs, endMs - startMs, s.driftFactor) : undefined;
    this.report('acquire', keys, attempt, votes, endMs - startMs, validity, trace);
    if (validity !== undefined && validity > 0) {
      if (trace) {
        trace.validityMs = validity;
        if (fence !== undefined) trace.fence = fence;
      }
      const lineage: Lineage = {
        released: false,
        validUntilMs: endMs + validity,
        keysGoneMs: endMs + timeoutMs + ttlMs + driftMs(ttlMs, s.driftFactor),
        ttlMs,
        notify: s.releaseNotifications,
        clock: this.clock,
      };
      const lock = new Lock(this, keys, value, log.list, this.runtime.wallMs() + validity, endMs + validity, fence, lineage);
      return { ok: true, value: lock };
    }
    await takeBack(votes);
    const outcomes = [...votes.outcomes.values()];
    return { ok: false, reason: validity === undefined ? failureReason(outcomes) : 'validity', outcomes };
  }

  private async releaseUntraced(lock: Lock, settings: CallSettings | undefined, trace: OperationContext | undefined): Promise<ExecutionResult> {
    checkLock(lock);
    const s = mergeSettings(this.resolved, settings);
    const lineage = lineageOf(lock);
    lock.expiration = 0;
    // Even a failed release ends the lock for its owner: no Lock of it is disposed again.
    if (lineage) lineage.released = true;
    // Publish only when someone may wait: the lock was taken with notifications, or this call asks.
    const notify = settings?.releaseNotifications ?? lineage?.notify ?? s.releaseNotifications;
    const script = notify ? RELEASE_AND_NOTIFY : RELEASE;
    const timeoutMs = nodeTimeoutFor(s, lineage?.ttlMs ?? 1_000);
    let log: AttemptLog | undefined;
    await withRetries<true>({
      operation: 'release',
      resources: lock.resources,
      attemptsMax: maxAttempts(s),
      clock: this.clock,
      attempt: async (attempt, startMs, attemptLog) => {
        log = attemptLog;
        const votes = await this.fanOut(script, lock.resources, [lock.value], judgeRelease, timeoutMs);
        attemptLog.push(votes.stats);
        this.report('release', lock.resources, attempt, votes, this.clock() - startMs, undefined, trace);
        if (votes.decision === 'for') return { ok: true, value: true };
        const outcomes = [...votes.outcomes.values()];
        return { ok: false, reason: failureReason(outcomes), outcomes };
      },
      waitToRetry: async () => {
        // Once every key has expired there is nothing left to delete: retrying could only
        // keep the caller waiting on nodes that are down.
        const leftMs = (lineage?.keysGoneMs ?? Number.POSITIVE_INFINITY) - this.clock();
        if (leftMs <= 0) return 'expired';
        await this.sleep(Math.min(leftMs, this.retryDelay(s)), settings?.signal);
        return undefined;
      },
    });
    return { attempts: log?.list ?? [] };
  }

  private async extendUntraced(existing: Lock, duration: number, settings: CallSettings | undefined, trace: OperationContext | undefined): Promise<Lock> {
    checkLock(existing);
    const ttlMs = checkDuration(duration);
    const s = mergeSettings(this.resolved, settings);
    const signal = settings?.signal;
    signal?.throwIfAborted();
    this.throwIfClosed();
    const lineage = lineageOf(existing);
    const resources = existing.resources;
    if (existing.expiration === 0 || this.clock() >= existing.validUntilMs) {
      throw new ExecutionError(EXPIRED_MESSAGE, [], { operation: 'extend', resources, reason: 'expired', attemptCount: 0, lastAttempt: [] });
    }
    const timeoutMs = nodeTimeoutFor(s, ttlMs);
    const membershipSize = this.nodes.length;
    return withRetries<Lock>({
      operation: 'extend',
      resources,
      attemptsMax: maxAttempts(s),
      clock: this.clock,
      attempt: async (attempt, startMs, log) => {
        const votes = await untilAborted(this.fanOut(EXTEND, resources, [existing.value, String(ttlMs)], judgeExtend(resources), timeoutMs), signal);
        log.push(votes.stats);
        const endMs = this.clock();
        const validity = validityMs(ttlMs, endMs - startMs, s.driftFactor);
        this.report('extend', resources, attempt, votes, endMs - startMs, validity, trace);
        const outcomes = [...votes.outcomes.values()];
        if (votes.decision === 'for') {
          // A quorum now holds the keys for ttlMs more, even if this attempt was too slow
          // to count. (A minority lengthened by a failed attempt does not keep the lock alive.)
          if (lineage) lineage.keysGoneMs = Math.max(lineage.keysGoneMs, endMs + timeoutMs + ttlMs + driftMs(ttlMs, s.driftFactor));
          // A quorum reached after the old validity ended proves nothing about the gap.
          if (endMs >= existing.validUntilMs) return { ok: false, reason: 'expired', outcomes, final: true };
          if (validity <= 0) return { ok: false, reason: 'validity', outcomes };
          existing.expiration = 0;
          if (trace) trace.validityMs = validity;
          if (lineage) {
            lineage.validUntilMs = endMs + validity;
            lineage.ttlMs = ttlMs;
          }
          return { ok: true, value: new Lock(this, resources, existing.value, log.list, this.runtime.wallMs() + validity, endMs + validity, existing.fence, lineage) };
        }
        // Nodes that no longer hold the lock cannot come to hold it again: once they
        // alone rule out a quorum, the lock is lost, and retrying would only hide it.
        const notHeld = outcomes.filter((outcome) => outcome.error instanceof LockNotHeldError).length;
        if (decide(membershipSize, 0, notHeld) === 'against') return { ok: false, reason: 'lost', outcomes, final: true };
        return { ok: false, reason: failureReason(outcomes), outcomes };
      },
      waitToRetry: async () => {
        const leftMs = existing.validUntilMs - this.clock();
        if (leftMs <= 0) return 'expired';
        await this.sleep(Math.min(leftMs, this.retryDelay(s)), signal);
        return undefined;
      },
    });
  }

  /**
   * Raises the resources' fencing counters to the next token on a quorum. Any two
   * quorums intersect, so a later reader sees this token or a greater one. `fence` is
   * undefined when the write-back reached no quorum; its votes are reported as the
   * `fence` operation either way.
   */
  private async writeFence(
    keys: readonly string[],
    fenceKeys: readonly string[],
    readTokens: Iterable<unknown>,
    timeoutMs: number,
    attempt: number,
  ): Promise<{ fence: bigint | undefined; votes: FanOut<true> }> {
    const fence = nextFence(readTokens, this.runtime.wallMs());
    // What a later proposal of this Redlock must exceed to take the fast path.
    if (fence > this.lastProposedFence) this.lastProposedFence = fence;
    const startMs = this.clock();
    const votes = await this.fanOut(FENCE, fenceKeys, [fence.toString()], judgeRelease, timeoutMs);
    this.report('fence', keys, attempt, votes, this.clock() - startMs, undefined, undefined);
    return { fence: votes.decision === 'for' ? fence : undefined, votes };
  }

  /**
   * Takes a failed attempt's keys back (compare-and-delete, no publish) on every node
   * the acquire was sent to, ready or not: a reconnecting client may resend the acquire
   * once it is back, and the release, queued behind it, then follows it. Waits only for
   * the nodes that answered the acquire (bounded by the node timeout), so a dead node
   * costs the next attempt nothing.
   *
   * When `refusalProvesNoKey` (the ACQUIRE script), a node that answered "held by
   * another lock" is left alone: its acquire wrote nothing (the script checks every key
   * before it sets one); the value is this attempt's own, so no earlier delivery of it
   * can have set a key there either (a resent acquire finds its own value and votes for),
   * and nothing sent later carries it. Under contention that is most nodes of most
   * attempts: a take-back to each was a script run for nothing.
   */
  private async takeBack(
    keys: readonly string[],
    value: string,
    timeoutMs: number,
    answered: ReadonlySet<number>,
    votes: FanOut<unknown> | undefined,
    refusalProvesNoKey: boolean,
  ): Promise<void> {
    const awaited: Promise<void>[] = [];
    for (const node of this.nodes) {
      const outcome = votes?.outcomes.get(node.index);
      if (outcome?.error instanceof NodeUnavailableError) continue; // the acquire was never sent
      if (refusalProvesNoKey && outcome?.error instanceof ResourceLockedError) continue; // refused: it wrote nothing
      const done = new Promise<void>((resolve) =>
        node.send(RELEASE, keys, [value], (error) => {
          if (error) this.emitError(error);
          resolve();
        }),
      );
      if (answered.has(node.index)) awaited.push(done);
    }
    if (awaited.length === 0) return;
    let timer: unknown;
    await Promise.race([Promise.all(awaited), new Promise<void>((resolve) => (timer = this.runtime.setTimer(resolve, timeoutMs)))]);
    this.runtime.clearTimer(timer);
  }

  /** Waits between two acquire attempts: for a release in line, or the jittered delay. */
  private async waitToRetry(s: ResolvedSettings, signal: AbortSignal | undefined, ticket: LineTicket | undefined, sinceMs: number): Promise<void> {
    if (!ticket) {
      await this.sleep(this.retryDelay(s), signal);
      return;
    }
    const outcome = await this.releaseNotifier().waitForTurn(ticket, this.retryDelay(s), signal, sinceMs);
    if (outcome === 'aborted') signal?.throwIfAborted();
    if (outcome === 'closed') this.throwIfClosed();
  }

  /** An abortable sleep that quit() ends too. */
  private async sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    this.throwIfClosed();
    const signals = signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
    await abortableSleep(ms, signals, this.runtime);
  }

  private throwIfClosed(): void {
    if (this.closing.signal.aborted) throw this.closing.signal.reason;
  }

  private releaseNotifier(): ReleaseNotifier {
    this.notifier ??= new ReleaseNotifier(this.nodes, {
      runtime: this.runtime,
      onError: (error) => this.emitError(error),
      // A Cluster subscriber's sockets cannot be unref'd: it must not linger.
      lingerMs: this.nodes.some((node) => node.driver.cluster) ? 0 : LINGER_MS,
    });
    return this.notifier;
  }

  /** The jittered pause before the next attempt. */
  private retryDelay(s: ResolvedSettings): number {
    return retryDelayMs(s.retryDelay, s.retryJitter, this.runtime.random);
  }

  private fanOut<T>(script: Script, keys: readonly string[], args: readonly string[], judge: Judge<T>, timeoutMs: number, answered?: Set<number>): Promise<FanOut<T>> {
    return fanOut(this.nodes, (node, done) => node.run(script, keys, args, done), judge, timeoutMs, this.runtime, answered);
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
      for (const outcome of votes.counted) if (outcome.vote === 'for') votesFor += 1;
      trace.votesFor = votesFor;
      trace.votesAgainst = votes.counted.length - votesFor;
    }
    // Both consumers are optional; with neither, an attempt costs no event object.
    if (attemptChannel.hasSubscribers) {
      publishAttempt({
        operation,
        resources,
        attempt,
        decision: votes.decision,
        outcomes: [...votes.counted],
        elapsedMs,
        ...(validity === undefined ? {} : { validityMs: validity }),
      });
    }
    if (this.listenerCount('error') === 0) return;
    // As node-redlock v5 does, every refusal is emitted, ResourceLockedError included.
    // From the list, not the Map: an attempt with an error listener and no refusals builds nothing.
    for (const outcome of votes.counted) if (outcome.error) this.emit('error', outcome.error);
  }

  private emitError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

function checkLock(lock: unknown): asserts lock is Lock {
  if (lock === null || typeof lock !== 'object' || !Array.isArray((lock as Lock).resources) || typeof (lock as Lock).value !== 'string') {
    throw new TypeError('lock must be a Lock returned by acquire() or extend()');
  }
}

/** Re-exported for the quorum math users reach through Redlock. */
export { quorumSize };

export default Redlock;
