import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ExecutionError, Redlock, ResourceLockedError } from '../../src/index.js';
import { IoredisNodeClient } from '../../src/clients/ioredis.js';
import type { NodeClient } from '../../src/clients/node-client.js';
import { NODE_RUNTIME } from '../../src/runtime.js';
import { rejection } from './helpers/outcomes.js';
import { commandCallsOn, resetAfterEach, withServers, lockKeysSettle } from './helpers/servers.js';

const TTL_MS = 5_000;
const FAST = { retryDelay: 3, retryJitter: 2 } as const;

/** An adapter that does not know plain commands: it runs every script's Lua, as a driver adapter without that shortcut does. */
function luaOnly(client: Redis): NodeClient {
  const inner = new IoredisNodeClient(client, NODE_RUNTIME);
  return {
    address: inner.address,
    cluster: inner.cluster,
    get ready() {
      return inner.ready;
    },
    runScript: (script, keys, args, done) => inner.runScript({ name: script.name, lua: script.lua, sha: script.sha }, keys, args, done),
    subscriber: (events) => inner.subscriber(events),
  };
}

describe('acquiring one resource without fencing', () => {
  const fx = withServers(3);
  resetAfterEach(fx);
  const indexes = [0, 1, 2];
  const callsOnAll = async (): Promise<Record<string, number>[]> => Promise.all(indexes.map((index) => commandCallsOn(fx.admin(index))));

  it('is one plain SET NX PX per node, with the TTL on the key', async () => {
    const redlock = new Redlock(fx.connect(), FAST);
    const before = await callsOnAll();
    const lock = await redlock.acquire(['plain'], TTL_MS);
    // The attempt's statistics resolve once every node answered, not only a quorum.
    await lock.attempts[0];
    const after = await callsOnAll();
    for (const index of indexes) {
      const delta = (name: string): number => (after[index]?.[name] ?? 0) - (before[index]?.[name] ?? 0);
      expect(delta('set')).toBe(1);
      expect(delta('evalsha') + delta('eval')).toBe(0);
      expect(await fx.admin(index).get('plain')).toBe(lock.value);
      const ttl = await fx.admin(index).pttl('plain');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(TTL_MS);
    }
    await lock.release();
    await lockKeysSettle(fx, []);
  });

  it('is refused where another value holds the key, each node saying ResourceLockedError, and leaves that value alone', async () => {
    for (const index of indexes) await fx.admin(index).set('taken', 'someone-else', 'PX', TTL_MS);
    const redlock = new Redlock(fx.connect(), FAST);
    const failure = (await rejection(redlock.acquire(['taken'], TTL_MS, { retryCount: 1 }))) as ExecutionError;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.reason).toBe('locked');
    expect(failure.attemptCount).toBe(2);
    expect(failure.lastAttempt.length).toBeGreaterThanOrEqual(2);
    for (const outcome of failure.lastAttempt) {
      expect(outcome.error).toBeInstanceOf(ResourceLockedError);
      // node-redlock v5's message; the resource and node in the error's fields.
      expect(outcome.error?.message).toBe('The operation was applied to: 0 of the 1 requested resources.');
      expect(outcome.error).toMatchObject({ resource: 'taken', node: outcome.node });
    }
    for (const index of indexes) expect(await fx.admin(index).get('taken')).toBe('someone-else');
  });

  it('a quorum of free nodes wins; the held node votes against and keeps its value', async () => {
    await fx.admin(2).set('partly', 'someone-else', 'PX', TTL_MS);
    const redlock = new Redlock(fx.connect(), FAST);
    const lock = await redlock.acquire(['partly'], TTL_MS, { retryCount: 0 });
    const stats = await lock.attempts[0];
    expect(stats?.votesFor.size).toBe(2);
    expect([...(stats?.votesAgainst.values() ?? [])].map((error) => error.name)).toEqual(['ResourceLockedError']);
    expect(await fx.admin(2).get('partly')).toBe('someone-else');
    await lock.release();
    expect(await fx.admin(2).get('partly')).toBe('someone-else');
  });

  it('runs the same command as Lua through an adapter that does not know plain commands, with the same votes', async () => {
    const redlock = new Redlock(fx.connect().map(luaOnly), FAST);
    const before = await callsOnAll();
    const lock = await redlock.acquire(['via-lua'], TTL_MS);
    await lock.attempts[0];
    const after = await callsOnAll();
    for (const index of indexes) {
      const delta = (name: string): number => (after[index]?.[name] ?? 0) - (before[index]?.[name] ?? 0);
      // The SET now runs inside the script (commandstats counts it there too).
      expect(delta('set')).toBe(1);
      expect(delta('evalsha') + delta('eval')).toBeGreaterThanOrEqual(1);
      expect(await fx.admin(index).get('via-lua')).toBe(lock.value);
    }
    const failure = (await rejection(redlock.acquire(['via-lua'], TTL_MS, { retryCount: 0 }))) as ExecutionError;
    expect(failure.reason).toBe('locked');
    for (const outcome of failure.lastAttempt) expect(outcome.error).toBeInstanceOf(ResourceLockedError);
    await lock.release();
  });

  it('several resources, or fencing, still go through the acquire script', async () => {
    const redlock = new Redlock(fx.connect(), FAST);
    const before = await callsOnAll();
    const both = await redlock.acquire(['multi-a', 'multi-b'], TTL_MS);
    const fenced = await redlock.acquire(['fenced'], TTL_MS, { fencing: true });
    await Promise.all([...both.attempts, ...fenced.attempts]);
    const after = await callsOnAll();
    // (commandstats counts the SETs a script makes too, so the scripts are counted instead)
    const scripts = (calls: Record<string, number> | undefined): number => (calls?.['evalsha'] ?? 0) + (calls?.['eval'] ?? 0);
    for (const index of indexes) expect(scripts(after[index]) - scripts(before[index])).toBeGreaterThanOrEqual(2);
    expect(fenced.fence).toBeGreaterThan(0n);
    await both.release();
    await fenced.release();
  });
});
