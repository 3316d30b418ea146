import { NodeTimeoutError } from './errors/node-timeout-error.js';
import type { Node, Reply } from './node.js';
import { decide, quorumSize } from './quorum.js';
import type { Runtime } from './runtime.js';
import type { Client, ExecutionStats, NodeOutcome } from './types.js';

/** One attempt's result, known as soon as a quorum for or against is. */
export interface FanOut<T> {
  readonly decision: 'for' | 'against';
  /** The answers counted when the attempt was decided, by node index. */
  readonly outcomes: ReadonlyMap<number, NodeOutcome>;
  /** The values of the nodes that voted for, counted when decided. */
  readonly values: ReadonlyMap<number, T>;
  /** node-redlock v5's statistics: resolves when every node has answered or timed out. */
  readonly stats: Promise<ExecutionStats>;
  /** Every node's answer: resolves with `stats`. */
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
  const membershipSize = nodes.length;
  const votesFor = new Set<Client>();
  const votesAgainst = new Map<Client, Error>();
  const outcomes = new Map<number, NodeOutcome>();
  const values = new Map<number, T>();
  let resolveAll!: (outcomes: readonly NodeOutcome[]) => void;
  const all = new Promise<readonly NodeOutcome[]>((resolve) => (resolveAll = resolve));
  const stats = all.then((): ExecutionStats => ({ membershipSize, quorumSize: quorumSize(membershipSize), votesFor, votesAgainst }));
  const clock = runtime.monotonicMs;
  const sentMs = clock();

  return new Promise((resolve) => {
    let decided = false;
    const record = (node: Node, error: Error | null, reply: unknown): void => {
      if (outcomes.has(node.index)) return; // answered after its timeout: already counted
      if (!(error instanceof NodeTimeoutError)) answered?.add(node.index);
      const latencyMs = clock() - sentMs;
      const verdict = error ?? judge(reply, node);
      if (verdict instanceof Error) {
        outcomes.set(node.index, { node: node.index, address: node.address, vote: 'against', error: verdict, latencyMs });
        votesAgainst.set(node.client, verdict);
      } else {
        outcomes.set(node.index, { node: node.index, address: node.address, vote: 'for', latencyMs });
        votesFor.add(node.client);
        values.set(node.index, verdict.value);
      }
      if (!decided) {
        const decision = decide(membershipSize, votesFor.size, votesAgainst.size);
        if (decision !== 'pending') {
          decided = true;
          // Snapshot: later answers must not change what the caller decided on.
          resolve({ decision, outcomes: new Map(outcomes), values: new Map(values), stats, all });
        }
      }
      if (outcomes.size === membershipSize) {
        runtime.clearTimer(timer);
        resolveAll([...outcomes.values()].sort((a, b) => a.node - b.node));
      }
    };
    const timer = runtime.setTimer(() => {
      for (const node of nodes) {
        if (!outcomes.has(node.index)) record(node, new NodeTimeoutError(node.index, node.address, timeoutMs), undefined);
      }
    }, timeoutMs);
    for (const node of nodes) send(node, (error, reply) => record(node, error, reply));
  });
}
