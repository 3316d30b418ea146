// The same scenarios, written only against node-redlock v5's API and types, run against
// node-redlock v5 itself and against redquorum: code written for `redlock@5` runs after
// changing only the import. Only v5's public surface is used below.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import * as redquorum from '../../src/index.js';
import type * as V5Types from '../../node_modules/redlock/dist/index.js';
import { rejection } from './helpers/outcomes.js';
import * as v5 from './helpers/redlock-v5.js';
import { lockClientOptions, resetAfterEach, sleep, waitReady, withServers, RELEASE_LANDS_MS, lockKeysSettle } from './helpers/servers.js';

/** What a v5 user imports: `import Redlock, { ExecutionError, ResourceLockedError } from 'redlock'`. */
type V5Module = Pick<typeof V5Types, 'default' | 'ExecutionError' | 'ResourceLockedError'>;

const implementations: [string, V5Module][] = [
  ['redlock@5.0.0-beta.2', { default: v5.V5Redlock, ExecutionError: v5.V5ExecutionError, ResourceLockedError: v5.V5ResourceLockedError }],
  // Ours differs from v5's declared types only in private members and Lock.redlock's
  // class; at run time the shape is the same, which is what these scenarios check.
  ['redquorum', { default: redquorum.default, ExecutionError: redquorum.ExecutionError, ResourceLockedError: redquorum.ResourceLockedError } as unknown as V5Module],
];

const fx = withServers(3);
resetAfterEach(fx);

describe.each(implementations)('drop-in scenarios against %s', (_name, { default: Redlock, ExecutionError, ResourceLockedError }) => {
  it('acquire, extend and release with the v5 shapes', async () => {
    const redlock = new Redlock(fx.clients, { driftFactor: 0.01, retryCount: 3, retryDelay: 20, retryJitter: 10, automaticExtensionThreshold: 200 });
    expect(redlock.settings).toMatchObject({ driftFactor: 0.01, retryCount: 3, retryDelay: 20, retryJitter: 10, automaticExtensionThreshold: 200 });
    expect(redlock.clients.size).toBe(3);
    const before = Date.now();
    let lock = await redlock.acquire(['dropin:a', 'dropin:b'], 2_000);
    expect(lock.resources).toEqual(['dropin:a', 'dropin:b']);
    expect(lock.value).toMatch(/^[0-9a-f]{32}$/);
    expect(lock.expiration).toBeGreaterThan(before + 1_500);
    expect(lock.expiration).toBeLessThanOrEqual(Date.now() + 2_000);
    expect(lock.attempts.length).toBe(1);
    const stats = await lock.attempts[0]!;
    expect(stats).toMatchObject({ membershipSize: 3, quorumSize: 2 });
    expect(stats.votesFor).toBeInstanceOf(Set);
    expect(stats.votesAgainst).toBeInstanceOf(Map);
    expect(stats.votesFor.size).toBe(3);
    for (const client of stats.votesFor) expect(fx.clients).toContain(client);
    for (let index = 0; index < 3; index += 1) expect(await fx.admin(index).get('dropin:a')).toBe(lock.value);

    const old = lock;
    lock = await lock.extend(5_000);
    expect(old.expiration).toBe(0);
    expect(lock.value).toBe(old.value);
    expect(lock.expiration).toBeGreaterThan(Date.now() + 4_000);
    // The extend resolves at its quorum; its statistics wait for every node's answer, so
    // the last node's extension has landed (a CI run read 1993 ms there before this wait).
    await Promise.all(lock.attempts);
    for (let index = 0; index < 3; index += 1) expect(await fx.admin(index).pttl('dropin:b')).toBeGreaterThan(4_000);
    lock = await redlock.extend(lock, 6_000);

    const result = await lock.release();
    expect(result.attempts.length).toBe(1);
    expect((await result.attempts[0]!).votesFor.size).toBe(3);
    expect(lock.expiration).toBe(0);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('redlock.release(lock) releases through the instance', async () => {
    const redlock = new Redlock(fx.clients);
    const lock = await redlock.acquire(['dropin:instance-release'], 2_000);
    const result = await redlock.release(lock);
    expect((await result.attempts[0]!).votesFor.size).toBe(3);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('a held lock fails with ExecutionError whose attempts hold ResourceLockedError votes', async () => {
    const holder = new Redlock(fx.clients);
    // Fresh clients are not connected yet: redquorum counts a node whose client is not ready
    // as unavailable at once, not as locked.
    const connected = fx.connect();
    await waitReady(connected);
    const other = new Redlock(connected, { retryDelay: 5, retryJitter: 0 });
    const otherClients = [...other.clients];
    const held = await holder.acquire(['dropin:held'], 5_000);
    const error = await rejection(other.acquire(['dropin:held'], 5_000));
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error).toBeInstanceOf(Error);
    const failure = error as V5Types.ExecutionError;
    expect(failure.message).toMatch(/^The operation was unable to achieve a quorum during its retry window\./);
    // The default retryCount of 10 makes 11 attempts.
    expect(failure.attempts.length).toBe(11);
    for (const attempt of failure.attempts) {
      const stats = await attempt;
      expect(stats.membershipSize).toBe(3);
      expect(stats.quorumSize).toBe(2);
      expect(stats.votesFor.size).toBe(0);
      expect(stats.votesAgainst.size).toBe(3);
      for (const [client, cause] of stats.votesAgainst) {
        expect(otherClients).toContain(client);
        expect(cause).toBeInstanceOf(ResourceLockedError);
        expect(cause.message).toMatch(/^The operation was applied to: 0 of the 1 requested resources\./);
      }
    }
    const once = (await rejection(other.acquire(['dropin:held'], 5_000, { retryCount: 0 }))) as V5Types.ExecutionError;
    expect(once.attempts.length).toBe(1);
    await held.release();
  });

  it('using(resources, duration, routine) and using(resources, duration, settings, routine)', async () => {
    // The extension is due 300 ms in and has 700 ms to land: room for a loaded machine.
    const redlock = new Redlock(fx.clients, { automaticExtensionThreshold: 700 });
    const value = await redlock.using(['dropin:using'], 1_000, async (signal) => {
      // The routine starts once the acquire reached its quorum; node 0's SET may land a moment later.
      await expect.poll(() => fx.admin(0).get('dropin:using'), { timeout: RELEASE_LANDS_MS, interval: 5 }).toMatch(/^[0-9a-f]{32}$/);
      // Outlive the duration: the lock is extended automatically.
      await sleep(1_300);
      expect(await fx.admin(1).get('dropin:using')).toMatch(/^[0-9a-f]{32}$/);
      if (signal.aborted) throw signal.error;
      return 'routine value';
    });
    expect(value).toBe('routine value');
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);

    const oops = new Error('routine failed');
    const thrown = await rejection(
      redlock.using(['dropin:using'], 1_000, { retryCount: 0 }, async () => {
        throw oops;
      }),
    );
    expect(thrown).toBe(oops);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('extending an expired lock fails with ExecutionError "Cannot extend an already-expired lock."', async () => {
    const redlock = new Redlock(fx.clients);
    const lock = await redlock.acquire(['dropin:expired'], 50);
    await sleep(100);
    const error = await rejection(lock.extend(1_000));
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as V5Types.ExecutionError).message).toMatch(/^Cannot extend an already-expired lock\./);
    expect((error as V5Types.ExecutionError).attempts).toEqual([]);
  });

  it('rejects a non-integer duration with "Duration must be an integer value in milliseconds."', async () => {
    const redlock = new Redlock(fx.clients);
    const error = await rejection(redlock.acquire(['dropin:bad'], 1.5));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Duration must be an integer value in milliseconds\./);
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });

  it('is an EventEmitter whose quit() closes the clients', async () => {
    const clients = fx.servers.nodes.map((node) => new Redis(lockClientOptions(node.port)));
    try {
      await waitReady(clients);
      const redlock = new Redlock(clients);
      const heard: Error[] = [];
      redlock.on('error', (error: Error) => heard.push(error));
      const lock = await redlock.acquire(['dropin:quit'], 1_000);
      await lock.release();
      await redlock.quit();
      // QUIT's reply comes before the socket closes.
      for (let waitedMs = 0; clients.some((client) => client.status !== 'end') && waitedMs < 2_000; waitedMs += 10) await sleep(10);
      expect(clients.map((client) => client.status)).toEqual(['end', 'end', 'end']);
      expect(heard).toEqual([]);
    } finally {
      for (const client of clients) client.disconnect();
    }
  });
});

// Where node-redlock v5 is wrong (issue #153/#313/#362), redquorum differs on purpose.
describe('an intended difference from node-redlock v5', () => {
  it('v5 throws on releasing a released lock; redquorum resolves', async () => {
    const theirs = new v5.V5Redlock(fx.clients);
    const ours = new redquorum.Redlock(fx.clients);
    const theirLock = await theirs.acquire(['dropin:twice-v5'], 2_000);
    await theirLock.release();
    expect(await rejection(theirLock.release())).toBeInstanceOf(v5.V5ExecutionError);
    const ourLock = await ours.acquire(['dropin:twice-ours'], 2_000);
    await ourLock.release();
    await expect(ourLock.release()).resolves.toMatchObject({ attempts: [expect.any(Promise)] });
  });
});
