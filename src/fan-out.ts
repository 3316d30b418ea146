import { NodeTimeoutError } from './errors/node-timeout-error.js';
import { withoutStack } from './errors/without-stack.js';
import type { Node, Reply } from './node.js';
import { decide, quorumSize } from './quorum.js';
import type { Runtime } from './runtime.js';
import type { Client, ExecutionStats, NodeOutcome } from './types.js';

/** One attempt's result, known as soon as a quorum for or against is. */
export interface FanOut<T> {
  readonly decision: 'for' | 'against';
  /** The answers counted when the attempt was decided, by node index. */
  readonly outcomes: ReadonlyMap<number, NodeOutcome>;
  /** The same answers as a list in node order: what every attempt reads, with no Map to build. */
  readonly counted: readonly NodeOutcome[];
  /** The values of the nodes that voted for, counted when decided. */
  readonly values: ReadonlyMap<number, T>;
  /** node-redlock v5's statistics: resolves when every node has answered or timed out. */
  readonly stats: Promise<ExecutionStats>;
  /** Every node's answer, in node order: resolves with `stats`. */
  readonly all: Promise<readonly NodeOutcome[]>;
}

/** How a node's reply becomes a vote: `{ value }` for, an Error against. */
export type Judge<T> = (reply: unknown, node: Node) => { value: T } | Error;

/**
 * Sends one request to every node at once and decides as soon as a quorum agreed or
 * can no longer agree; stragglers are not awaited (their answers still land in `stats`).
 * A node that has not answered within `timeoutMs` votes against with NodeTimeoutError
 * (one timer for the whole attempt, not one per node).
 */
export function fanOut<T>(
  nodes: readonly Node[],
  send: (node: Node, done: Reply) => void,
  judge: Judge<T>,
  timeoutMs: number,
  runtime: Pick<Runtime, 'monotonicMs' | 'setTimer' | 'clearTimer'>,
  /** Collects, as they come, the indexes of the nodes that answered (not timed out). */
  answered?: Set<number>,
): Promise<FanOut<T>> {
  return new Promise((resolve) => {
    const attempt = new Attempt(nodes, judge, timeoutMs, runtime, resolve, answered);
    for (const node of nodes) send(node, (error, reply) => attempt.record(node, error, reply));
  });
}

/**
 * The bookkeeping of one fan-out, in arrays indexed by node: every attempt of every
 * operation runs through here, so it keeps to counters and two small arrays, and
 * builds the Maps and Sets that callers and v5's statistics read only when they are read.
 */
class Attempt<T> {
  private readonly outcomes: (NodeOutcome | undefined)[];
  private readonly values: (T | undefined)[];
  private votesFor = 0;
  private votesAgainst = 0;
  private readonly quorum: number;
  private decided = false;
  private readonly sentMs: number;
  private timer: unknown;
  private resolveStats!: (stats: ExecutionStats) => void;
  private readonly stats: Promise<ExecutionStats>;
  private finished: readonly NodeOutcome[] | undefined;
  private waiters: ((outcomes: readonly NodeOutcome[]) => void)[] | undefined;

  constructor(
    private readonly nodes: readonly Node[],
    private readonly judge: Judge<T>,
    private readonly timeoutMs: number,
    private readonly runtime: Pick<Runtime, 'monotonicMs' | 'setTimer' | 'clearTimer'>,
    private readonly resolve: (result: FanOut<T>) => void,
    private readonly answered: Set<number> | undefined,
  ) {
    const count = nodes.length;
    this.outcomes = new Array<NodeOutcome | undefined>(count).fill(undefined);
    this.values = new Array<T | undefined>(count).fill(undefined);
    this.quorum = quorumSize(count);
    this.stats = new Promise((resolveStats) => (this.resolveStats = resolveStats));
    this.sentMs = runtime.monotonicMs();
    this.timer = runtime.setTimer(this.expire, timeoutMs);
  }

  record(node: Node, error: Error | null, reply: unknown): void {
    const index = node.index;
    if (this.outcomes[index] !== undefined) return; // answered after its timeout: already counted
    if (!(error instanceof NodeTimeoutError)) this.answered?.add(index);
    const latencyMs = this.runtime.monotonicMs() - this.sentMs;
    const verdict = error ?? this.judge(reply, node);
    if (verdict instanceof Error) {
      this.outcomes[index] = { node: index, address: node.address, vote: 'against', error: verdict, latencyMs };
      this.votesAgainst += 1;
    } else {
      this.outcomes[index] = { node: index, address: node.address, vote: 'for', latencyMs };
      this.values[index] = verdict.value;
      this.votesFor += 1;
    }
    const count = this.nodes.length;
    if (!this.decided) {
      const decision = decide(count, this.votesFor, this.votesAgainst);
      if (decision !== 'pending') {
        this.decided = true;
        // Snapshot: later answers must not change what the caller decided on.
        const counted: NodeOutcome[] = [];
        for (const outcome of this.outcomes) if (outcome !== undefined) counted.push(outcome);
        this.resolve(new Votes(decision, counted, this.values.slice(), this.stats, this));
      }
    }
    if (this.votesFor + this.votesAgainst === count) this.finish();
  }

  /** Every node's answer once all are in, for `FanOut.all`. */
  whenAll(): Promise<readonly NodeOutcome[]> {
    if (this.finished) return Promise.resolve(this.finished);
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  /**
   * The node timeout has passed: the nodes still silent time out one timer turn later.
   * Node's event loop runs due timers before it reads the sockets, so after a stall of
   * the process (a long GC, a busy machine) every attempt's timer would fire before the
   * answers that arrived in time during the stall are read, and each would count as a
   * timeout: a stalled client is not a slow node. Validity still charges the whole
   * elapsed time to the attempt.
   */
  private readonly expire = (): void => {
    this.timer = this.runtime.setTimer(this.expireSilent, 0);
  };

  private readonly expireSilent = (): void => {
    for (const node of this.nodes) {
      if (this.outcomes[node.index] === undefined) this.record(node, withoutStack(() => new NodeTimeoutError(node.index, node.address, this.timeoutMs)), undefined);
    }
  };

  private finish(): void {
    this.runtime.clearTimer(this.timer);
    const outcomes = this.outcomes as NodeOutcome[];
    this.finished = outcomes;
    this.resolveStats(new LazyStats(this.nodes, outcomes, this.quorum));
    if (this.waiters) for (const waiter of this.waiters) waiter(outcomes);
  }
}

/** FanOut over the decision's snapshot; its Maps are built on first read. */
class Votes<T> implements FanOut<T> {
  private outcomeMap: Map<number, NodeOutcome> | undefined;
  private valueMap: Map<number, T> | undefined;

  constructor(
    readonly decision: 'for' | 'against',
    readonly counted: readonly NodeOutcome[],
    private readonly snapshotValues: readonly (T | undefined)[],
    readonly stats: Promise<ExecutionStats>,
    private readonly attempt: Attempt<T>,
  ) {}

  get outcomes(): ReadonlyMap<number, NodeOutcome> {
    if (!this.outcomeMap) {
      this.outcomeMap = new Map();
      // In node order, as `all` gives them.
      for (const outcome of this.counted) this.outcomeMap.set(outcome.node, outcome);
    }
    return this.outcomeMap;
  }

  get values(): ReadonlyMap<number, T> {
    if (!this.valueMap) {
      this.valueMap = new Map();
      for (const outcome of this.counted) if (outcome.vote === 'for') this.valueMap.set(outcome.node, this.snapshotValues[outcome.node] as T);
    }
    return this.valueMap;
  }

  get all(): Promise<readonly NodeOutcome[]> {
    return this.attempt.whenAll();
  }
}

/** node-redlock v5's statistics of a finished attempt; votesFor and votesAgainst are built on first read. */
class LazyStats implements ExecutionStats {
  readonly membershipSize: number;
  private forSet: Set<Client> | undefined;
  private againstMap: Map<Client, Error> | undefined;

  constructor(
    private readonly nodes: readonly Node[],
    private readonly outcomes: readonly NodeOutcome[],
    readonly quorumSize: number,
  ) {
    this.membershipSize = nodes.length;
  }

  get votesFor(): Set<Client> {
    if (!this.forSet) {
      this.forSet = new Set();
      for (const outcome of this.outcomes) if (outcome.vote === 'for') this.forSet.add(this.clientOf(outcome));
    }
    return this.forSet;
  }

  get votesAgainst(): Map<Client, Error> {
    if (!this.againstMap) {
      this.againstMap = new Map();
      for (const outcome of this.outcomes) if (outcome.error) this.againstMap.set(this.clientOf(outcome), outcome.error);
    }
    return this.againstMap;
  }

  private clientOf(outcome: NodeOutcome): Client {
    return (this.nodes[outcome.node] as Node).client;
  }
}
