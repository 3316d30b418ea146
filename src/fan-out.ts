import type { MonotonicClock } from './clock.js';
import { decide, quorumSize } from './quorum.js';
import type { Client, ExecutionStats, NodeOutcome } from './types.js';
import type { Node } from './node.js';

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

/**
 * Sends one request to every node at once and decides as soon as a quorum agreed or
 * can no longer agree; stragglers are not awaited (their answers still land in `stats`).
 * `judge` turns a node's reply into a vote: undefined for, an Error against.
 */
export function fanOut<T>(
  nodes: readonly Node[],
  send: (node: Node) => Promise<unknown>,
  judge: (reply: unknown, node: Node) => { value: T } | Error,
  clock: MonotonicClock,
): Promise<FanOut<T>> {
  const membershipSize = nodes.length;
  const votesFor = new Set<Client>();
  const votesAgainst = new Map<Client, Error>();
  const outcomes = new Map<number, NodeOutcome>();
  const values = new Map<number, T>();
  let resolveAll!: (outcomes: readonly NodeOutcome[]) => void;
  const all = new Promise<readonly NodeOutcome[]>((resolve) => (resolveAll = resolve));
  const stats = all.then((): ExecutionStats => ({ membershipSize, quorumSize: quorumSize(membershipSize), votesFor, votesAgainst }));

  return new Promise((resolve) => {
    let decided = false;
    const record = (node: Node, outcome: NodeOutcome, value?: { value: T }): void => {
      outcomes.set(node.index, outcome);
      if (outcome.vote === 'for') {
        votesFor.add(node.client);
        if (value) values.set(node.index, value.value);
      } else {
        votesAgainst.set(node.client, outcome.error ?? new Error('voted against'));
      }
      if (!decided) {
        const decision = decide(membershipSize, votesFor.size, votesAgainst.size);
        if (decision !== 'pending') {
          decided = true;
          // Snapshot: later answers must not change what the caller decided on.
          resolve({ decision, outcomes: new Map(outcomes), values: new Map(values), stats, all });
        }
      }
      if (outcomes.size === membershipSize) resolveAll([...outcomes.values()].sort((a, b) => a.node - b.node));
    };
    for (const node of nodes) {
      const sentMs = clock();
      send(node).then(
        (reply) => {
          const latencyMs = clock() - sentMs;
          const verdict = judge(reply, node);
          if (verdict instanceof Error) {
            record(node, { node: node.index, address: node.address, vote: 'against', error: verdict, latencyMs });
          } else {
            record(node, { node: node.index, address: node.address, vote: 'for', latencyMs }, verdict);
          }
        },
        (error: unknown) => {
          const latencyMs = clock() - sentMs;
          const cause = error instanceof Error ? error : new Error(String(error));
          record(node, { node: node.index, address: node.address, vote: 'against', error: cause, latencyMs });
        },
      );
    }
  });
}
