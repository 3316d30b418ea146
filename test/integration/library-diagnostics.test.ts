import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeUnavailableError, Redlock, ResourceLockedError, attemptChannel, quorumSize, type AttemptEvent } from '../../src/index.js';
import { rejection } from './helpers/outcomes.js';
import { resetAfterEach, withServers } from './helpers/servers.js';

const CHANNEL = 'redquorum:attempt';
const FAST = { retryDelay: 5, retryJitter: 0 } as const;

describe.each([1, 3, 5])('diagnostics_channel "redquorum:attempt" with N = %i', (count) => {
  const fx = withServers(count);
  resetAfterEach(fx);
  const quorum = quorumSize(count);
  let events: AttemptEvent[] = [];
  const listener = (message: unknown): void => {
    events.push(message as AttemptEvent);
  };
  beforeEach(() => {
    events = [];
    subscribe(CHANNEL, listener);
  });
  afterEach(() => {
    unsubscribe(CHANNEL, listener);
  });

  it('is the exported channel', () => {
    expect(attemptChannel.name).toBe(CHANNEL);
    expect(attemptChannel.hasSubscribers).toBe(true);
  });

  it('publishes acquire, extend and release attempts with votes, latency and validity', async () => {
    const redlock = new Redlock(fx.clients, FAST);
    const lock = await redlock.acquire(['diag'], 2_000);
    const extended = await lock.extend(3_000);
    await extended.release();
    expect(events.map((e) => e.operation)).toEqual(['acquire', 'extend', 'release']);
    for (const event of events) {
      expect(event.resources).toEqual(['diag']);
      expect(event.attempt).toBe(1);
      expect(event.decision).toBe('for');
      expect(event.elapsedMs).toBeGreaterThanOrEqual(0);
      expect(event.elapsedMs).toBeLessThan(1_000);
      // Decided at the quorum: at least quorum answers, all in favour.
      expect(event.outcomes.length).toBeGreaterThanOrEqual(quorum);
      for (const outcome of event.outcomes) {
        expect(outcome.vote).toBe('for');
        expect(outcome.address).toBe(fx.servers.node(outcome.node).address);
        expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
        expect(outcome.latencyMs).toBeLessThanOrEqual(event.elapsedMs + 1);
      }
    }
    expect(events[0]!.validityMs).toBeGreaterThan(2_000 - 500);
    expect(events[0]!.validityMs).toBeLessThan(2_000 - 20);
    expect(events[1]!.validityMs).toBeGreaterThan(3_000 - 500);
    expect(events[2]!.validityMs).toBeUndefined();
  });

  it('publishes every failed attempt with each refusal and its cause', async () => {
    const holder = new Redlock(fx.clients, FAST);
    const held = await holder.acquire(['diag-held'], 5_000);
    events = [];
    const contender = new Redlock(fx.connect(), FAST);
    await rejection(contender.acquire(['diag-held'], 5_000, { retryCount: 2 }));
    const acquires = events.filter((e) => e.operation === 'acquire');
    expect(acquires.map((e) => e.attempt)).toEqual([1, 2, 3]);
    for (const event of acquires) {
      expect(event.decision).toBe('against');
      expect(event.outcomes.length).toBeGreaterThanOrEqual(count - quorum + 1);
      for (const outcome of event.outcomes) expect(outcome.error).toBeInstanceOf(ResourceLockedError);
    }
    await held.release();
  });

  it.skipIf(count === 1)('names a down node and its cause in the event', async () => {
    await fx.crash([0]);
    const redlock = new Redlock(fx.clients, FAST);
    const lock = await redlock.acquire(['diag-down'], 2_000, { retryCount: 0 });
    await lock.release();
    // The down node answers at once, so it is counted in the decided attempt.
    const acquire = events.find((e) => e.operation === 'acquire')!;
    const down = acquire.outcomes.find((o) => o.node === 0);
    expect(down?.vote).toBe('against');
    expect(down?.error).toBeInstanceOf(NodeUnavailableError);
    expect(down?.address).toBe(fx.servers.node(0).address);
  });
});
