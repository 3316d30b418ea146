import { describe, expect, it } from 'vitest';
import { fanOut } from '../../../src/fan-out.js';
import type { Node } from '../../../src/node.js';
import { NODE_RUNTIME } from '../../../src/runtime.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** A send that parks each node's callback for the test to answer. */
function parked(pending: Pending[]) {
  return (_node: Node, done: (error: Error | null, reply?: unknown) => void): void => {
    pending.push({ resolve: (value) => done(null, value), reject: (error) => done(error) });
  };
}

/** Nodes whose answers the test hands out one by one, in any order. */
function scriptedNodes(count: number): { nodes: Node[]; pending: Pending[] } {
  const pending: Pending[] = [];
  const nodes = Array.from({ length: count }, (_, index) => ({ index, address: `n${index}`, client: { id: index } }) as unknown as Node);
  return { nodes, pending };
}

/** Node's real timers with the test's clock. */
function runtimeAt(monotonicMs: () => number) {
  return { ...NODE_RUNTIME, monotonicMs };
}

const judge = (reply: unknown): { value: unknown } | Error => (reply === 'OK' ? { value: reply } : new Error(String(reply)));

describe('fanOut', () => {
  it('decides for as soon as a quorum agrees, without waiting for stragglers', async () => {
    const { nodes, pending } = scriptedNodes(5);
    let nowMs = 0;
    const result = fanOut(nodes, parked(pending), judge, 60_000, runtimeAt(() => nowMs));
    let decided = false;
    void result.then(() => (decided = true));
    nowMs = 3;
    pending[0]!.resolve('OK');
    pending[4]!.resolve('OK');
    await Promise.resolve();
    expect(decided).toBe(false);
    pending[2]!.resolve('OK');
    const votes = await result;
    expect(votes.decision).toBe('for');
    expect([...votes.values.keys()].sort()).toEqual([0, 2, 4]);
    expect(votes.outcomes.get(0)?.latencyMs).toBe(3);

    // Stragglers still land in v5's statistics, which resolve once all have answered.
    let statsDone = false;
    void votes.stats.then(() => (statsDone = true));
    pending[1]!.reject(new Error('late failure'));
    await Promise.resolve();
    expect(statsDone).toBe(false);
    pending[3]!.resolve('OK');
    const stats = await votes.stats;
    expect(stats).toMatchObject({ membershipSize: 5, quorumSize: 3 });
    expect(stats.votesFor.size).toBe(4);
    expect([...stats.votesAgainst.values()].map((error) => error.message)).toEqual(['late failure']);
    // The decision's snapshot is not changed by later answers.
    expect(votes.outcomes.size).toBe(3);
    expect(votes.counted).toHaveLength(3);
  });

  it('decides against once a quorum is impossible, keeping each cause', async () => {
    const { nodes, pending } = scriptedNodes(4);
    const result = fanOut(nodes, parked(pending), judge, 60_000, runtimeAt(() => 0));
    pending[1]!.resolve('LOCKED');
    pending[2]!.reject(new Error('ECONNRESET'));
    const votes = await result;
    expect(votes.decision).toBe('against');
    expect([...votes.outcomes.values()].map((outcome) => outcome.error?.message).sort()).toEqual(['ECONNRESET', 'LOCKED']);
  });

  it('counts a node that does not answer in time as a NodeTimeoutError vote, once', async () => {
    const { nodes, pending } = scriptedNodes(3);
    const limitBefore = Error.stackTraceLimit;
    const result = fanOut(nodes, parked(pending), judge, 20, runtimeAt(() => 0));
    pending[0]!.resolve('OK');
    const votes = await result;
    expect(votes.decision).toBe('against');
    const stats = await votes.stats;
    expect([...stats.votesAgainst.values()].map((error) => error.name)).toEqual(['NodeTimeoutError', 'NodeTimeoutError']);
    pending[1]!.resolve('OK'); // a late answer changes nothing
    expect(stats.votesFor.size).toBe(1);
    // Made without a stack (it would only be the timer's), and the limit is put back.
    for (const error of stats.votesAgainst.values()) expect(error.stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limitBefore);
  });

  it('counts answers read right after a late timer (a stalled process) as answers, not timeouts', async () => {
    const { nodes, pending } = scriptedNodes(3);
    const timers: { callback: () => void; delayMs: number }[] = [];
    const runtime = {
      monotonicMs: () => 0,
      setTimer: (callback: () => void, delayMs: number) => timers.push({ callback, delayMs }),
      clearTimer: () => undefined,
    };
    const result = fanOut(nodes, parked(pending), judge, 100, runtime);
    expect(timers.map((timer) => timer.delayMs)).toEqual([100]);
    // The node timeout fires first, as Node runs due timers before it reads the sockets...
    timers[0]!.callback();
    // ...then the answers that arrived during the stall are read...
    pending[0]!.resolve('OK');
    pending[2]!.resolve('OK');
    // ...and only then does the silent node time out.
    expect(timers.map((timer) => timer.delayMs)).toEqual([100, 0]);
    timers[1]!.callback();
    const votes = await result;
    expect(votes.decision).toBe('for');
    const stats = await votes.stats;
    expect(stats.votesFor.size).toBe(2);
    expect([...stats.votesAgainst.values()].map((error) => error.name)).toEqual(['NodeTimeoutError']);
  });

  it('gives every answer in node order through all, the for-votes only in values, and builds v5 sets once', async () => {
    const { nodes, pending } = scriptedNodes(5);
    const result = fanOut(nodes, parked(pending), judge, 60_000, runtimeAt(() => 0));
    pending[3]!.resolve('OK');
    pending[1]!.resolve('LOCKED');
    pending[4]!.resolve('OK');
    pending[0]!.resolve('OK');
    const votes = await result;
    expect(votes.decision).toBe('for');
    expect([...votes.outcomes.keys()]).toEqual([0, 1, 3, 4]);
    expect(votes.counted.map((outcome) => [outcome.node, outcome.vote])).toEqual([
      [0, 'for'],
      [1, 'against'],
      [3, 'for'],
      [4, 'for'],
    ]);
    expect([...votes.values.keys()]).toEqual([0, 3, 4]);
    expect(votes.values.get(1)).toBeUndefined();
    let allDone = false;
    const all = votes.all.then((outcomes) => {
      allDone = true;
      return outcomes;
    });
    await Promise.resolve();
    expect(allDone).toBe(false);
    pending[2]!.reject(new Error('late'));
    expect((await all).map((outcome) => [outcome.node, outcome.vote])).toEqual([
      [0, 'for'],
      [1, 'against'],
      [2, 'against'],
      [3, 'for'],
      [4, 'for'],
    ]);
    // Asked again after the end, all resolves at once with the same answers.
    expect(await votes.all).toEqual(await all);
    const stats = await votes.stats;
    expect(stats.votesFor).toBe(stats.votesFor);
    expect([...stats.votesFor].map((client) => (client as unknown as { id: number }).id)).toEqual([0, 3, 4]);
    expect([...stats.votesAgainst.keys()].map((client) => (client as unknown as { id: number }).id)).toEqual([1, 2]);
  });
});
