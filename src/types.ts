import type { IoredisClient } from './clients/ioredis.js';

/**
 * One independent Redis master as the caller gave it: node-redlock v5's type (an ioredis
 * Redis or Cluster client), kept as it is so that v5 code reading ioredis members off
 * `clients`, `votesFor` and `votesAgainst` still compiles. node-redis clients (v4 to v6)
 * and objects implementing NodeClient are accepted too; Redlock keeps the caller's
 * objects as they are.
 */
export type Client = IoredisClient;

/**
 * The votes of one attempt, in node-redlock v5's shape. It resolves once every node
 * has answered or timed out, which may be after the attempt was decided.
 */
export interface ExecutionStats {
  readonly membershipSize: number;
  readonly quorumSize: number;
  readonly votesFor: Set<Client>;
  /** Each refusing client with the error it gave (ioredis's own, or ours). */
  readonly votesAgainst: Map<Client, Error>;
}

/** The result of a release, as in node-redlock v5. */
export interface ExecutionResult {
  readonly attempts: ReadonlyArray<Promise<ExecutionStats>>;
}

/** The AbortSignal handed to a `using()` routine; `error` says why it was aborted. */
export type RedlockAbortSignal = AbortSignal & { error?: Error };

/** What one node answered in one attempt. */
export interface NodeOutcome {
  /** The node's position in the clients given to the constructor. */
  readonly node: number;
  /** host:port of the node, when the client knows it. */
  readonly address: string;
  readonly vote: 'for' | 'against';
  /** Why it voted against. */
  readonly error?: Error;
  /** Time from sending the command to the answer (or the timeout). */
  readonly latencyMs: number;
}

/** The operations Redlock runs on the nodes. */
export type Operation = 'acquire' | 'extend' | 'release' | 'fence';
