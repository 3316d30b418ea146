import { describe, expect, it } from 'vitest';
import { ExecutionError, NodeTimeoutError, Redlock, quorumSize } from '../../src/index.js';
import { rejection } from './helpers/outcomes.js';
import { V5Redlock } from './helpers/redlock-v5.js';
import { lockKeys, resetAfterEach, sleep, withServers, lockKeysSettle } from './helpers/servers.js';

const NODE_TIMEOUT_MS = 150;
/** A node timeout far longer than a loopback quorum takes, so that waiting for it would show. */
const PAUSED_NODE_TIMEOUT_MS = 2_000;
const TTL_MS = 5_000;
/** How long to wait for a resumed node to run the commands queued while it was paused. */
const DRAIN_MS = 2_000;

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(20);
  }
  return check();
}

describe.each([1, 3, 5])('black-holed nodes and late answers with N = %i', (count) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const quorum = quorumSize(count);
  const indexes = Array.from({ length: count }, (_, index) => index);

  it.skipIf(count === 1)('decides at the quorum without waiting for a paused minority', async () => {
    const paused = indexes.slice(0, count - quorum);
    const redlock = new Redlock(fx.clients, { nodeTimeoutMs: PAUSED_NODE_TIMEOUT_MS, retryCount: 0 });
    for (const index of paused) fx.servers.node(index).pause();
    const startMs = performance.now();
    const lock = await redlock.acquire(['paused-minority'], TTL_MS);
    // Waiting for the paused nodes would take their whole node timeout: deciding at the
    // quorum is deciding before it.
    expect(performance.now() - startMs).toBeLessThan(PAUSED_NODE_TIMEOUT_MS);
    await lock.release();
    for (const index of paused) fx.servers.node(index).resume();
    // The paused nodes run the queued acquire, then the queued release: nothing is left.
    expect(await eventually(async () => lockKeys(await fx.keysOnAllNodes()).length === 0, DRAIN_MS)).toBe(true);
  });

  it('costs about one node timeout, not a hang, when a majority is paused', async () => {
    const paused = indexes.slice(0, quorum);
    const redlock = new Redlock(fx.clients, { nodeTimeoutMs: NODE_TIMEOUT_MS, retryCount: 0 });
    for (const index of paused) fx.servers.node(index).pause();
    const startMs = performance.now();
    const failure = (await rejection(redlock.acquire(['paused-majority'], TTL_MS))) as ExecutionError;
    const tookMs = performance.now() - startMs;
    for (const index of paused) fx.servers.node(index).resume();
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('unavailable');
    // One timeout for the attempt, one for taking the keys back on every node: at least
    // the node timeout (a timer fires no earlier than 1 ms before its time), and ended long
    // before the TTL it asked for would have run out, so not a hang.
    expect(tookMs).toBeGreaterThanOrEqual(NODE_TIMEOUT_MS - 1);
    expect(tookMs).toBeLessThan(TTL_MS);
    for (const index of paused) {
      const outcome = failure.lastAttempt.find((o) => o.node === index);
      expect(outcome?.error).toBeInstanceOf(NodeTimeoutError);
      expect((outcome?.error as NodeTimeoutError).timeoutMs).toBe(NODE_TIMEOUT_MS);
      expect(outcome?.address).toBe(fx.servers.node(index).address);
    }
    expect(await eventually(async () => lockKeys(await fx.keysOnAllNodes()).length === 0, DRAIN_MS)).toBe(true);
  });

  it("refuses a quorum that came too late (reason 'validity') and takes the keys back", async () => {
    const ttlMs = 200;
    const paused = indexes.slice(0, quorum);
    const redlock = new Redlock(fx.clients, { nodeTimeoutMs: 5_000, retryCount: 0 });
    for (const index of paused) fx.servers.node(index).pause();
    const pending = rejection(redlock.acquire(['too-late'], ttlMs));
    await sleep(ttlMs + 100);
    for (const index of paused) fx.servers.node(index).resume();
    const failure = (await pending) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('validity');
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('node-redlock v5, in the same situation, returns a lock that has already expired (its #296)', async () => {
    const ttlMs = 200;
    const redlock = new V5Redlock(fx.clients, { retryCount: 0 });
    for (const index of indexes) fx.servers.node(index).pause();
    const pending = redlock.acquire(['too-late-v5'], ttlMs);
    await sleep(ttlMs + 100);
    for (const index of indexes) fx.servers.node(index).resume();
    const lock = await pending;
    expect(lock.expiration).toBeLessThan(Date.now());
    await lock.release().catch(() => undefined);
  });
});
