import { describe, expect, it } from 'vitest';
import { Redlock, type Lock } from '../../src/index.js';
import { lockKeys, resetAfterEach, withServers, lockKeysSettle } from './helpers/servers.js';

/** node-redlock v5's words, which callers may match on. */
const V5_DURATION_MESSAGE = 'Duration must be an integer value in milliseconds.';
const MAX = Number.MAX_SAFE_INTEGER;

type Check = readonly [label: string, run: (redlock: Redlock, lock: Lock) => unknown, type: typeof TypeError | typeof RangeError, words: readonly (string | RegExp)[]];

const durationWords = [V5_DURATION_MESSAGE, 'duration', `1 to ${MAX}`];
const badDurations: readonly [string, unknown, typeof TypeError | typeof RangeError][] = [
  ['non-integer', 1.5, RangeError],
  ['zero', 0, RangeError],
  ['negative', -1000, RangeError],
  ['above MAX_SAFE_INTEGER', MAX + 1, RangeError],
  ['NaN', Number.NaN, RangeError],
  ['Infinity', Number.POSITIVE_INFINITY, RangeError],
  ['a string', '1000', TypeError],
  ['undefined', undefined, TypeError],
  ['a bigint', 1000n, TypeError],
];

const checks: Check[] = [
  ...badDurations.map(([label, duration, type]): Check => [`acquire: duration ${label}`, (r) => r.acquire(['in'], duration as number), type, durationWords]),
  ...badDurations.map(([label, duration, type]): Check => [`extend: duration ${label}`, (_, lock) => lock.extend(duration as number), type, durationWords]),
  ...badDurations.map(([label, duration, type]): Check => [`using: duration ${label}`, (r) => r.using(['in'], duration as number, async () => 1), type, durationWords]),
  ['resources: empty array', (r) => r.acquire([], 1000), RangeError, ['resources', '1 or more']],
  ['resources: not an array', (r) => r.acquire('in' as unknown as string[], 1000), TypeError, ['resources', 'array']],
  ['resources: null', (r) => r.acquire(null as unknown as string[], 1000), TypeError, ['resources']],
  ['resources: empty string', (r) => r.acquire(['ok', ''], 1000), RangeError, ['resources[1]', 'non-empty string']],
  ['resources: non-string', (r) => r.acquire(['ok', 7 as unknown as string], 1000), TypeError, ['resources[1]', 'string', 'number']],
  ['resources: duplicate', (r) => r.acquire(['in', 'out', 'in'], 1000), RangeError, ['resources[2]', 'distinct', '"in"']],
  ['using: empty resources', (r) => r.using([], 1000, async () => 1), RangeError, ['resources']],
  ['using: routine missing', (r) => r.using(['in'], 1000, {}), TypeError, ['routine']],
  ['using: duration not above automaticExtensionThreshold + 100', (r) => r.using(['in'], 550, async () => 1), RangeError, ['duration', 'automaticExtensionThreshold', '600']],
  ...settingsChecks('acquire', (settings) => (r) => r.acquire(['in'], 1000, settings as object)),
  ...settingsChecks('constructor', (settings) => (r) => new Redlock(r.clients, settings as object)),
  ['acquire settings: null', (r) => r.acquire(['in'], 1000, null as unknown as object), TypeError, ['settings', 'object']],
  ['acquire settings: signal not an AbortSignal', (r) => r.acquire(['in'], 1000, { signal: 'stop' as unknown as AbortSignal }), TypeError, ['settings.signal', 'AbortSignal']],
  ['extend settings: retryDelay -1', (r, lock) => r.extend(lock, 1000, { retryDelay: -1 }), RangeError, ['settings.retryDelay', 'from 0']],
  ['release settings: retryCount -2', (r, lock) => r.release(lock, { retryCount: -2 }), RangeError, ['settings.retryCount', '-1']],
  ['using settings: retryCount -2', (r) => r.using(['in'], 1000, { retryCount: -2 }, async () => 1), RangeError, ['settings.retryCount']],
  ['constructor: v5 custom scripts (unsupported)', (r) => new Redlock(r.clients, {}, { acquireScript: 'return 1' } as object), TypeError, ['scripts', 'not supported']],
  ['acquire: signal already aborted', (r) => r.acquire(['in'], 1000, { signal: AbortSignal.abort(new TypeError('aborted before start')) }), TypeError, ['aborted before start']],
  ['release: not a lock', (r) => r.release({} as Lock), TypeError, ['lock']],
  ['clients: none', () => new Redlock([]), RangeError, ['at least one redis client', 'clients']],
  ['clients: not iterable', () => new Redlock(42 as unknown as []), TypeError, ['clients', 'iterable']],
  ['clients: not ioredis clients', () => new Redlock([{}] as unknown as []), TypeError, ['clients[0]', 'ioredis']],
];

function settingsChecks(where: string, make: (settings: unknown) => (redlock: Redlock) => unknown): Check[] {
  const cases: [string, unknown, typeof TypeError | typeof RangeError, (string | RegExp)[]][] = [
    ['driftFactor 1', { driftFactor: 1 }, RangeError, ['settings.driftFactor', 'from 0 up to but not including 1']],
    ['driftFactor -0.1', { driftFactor: -0.1 }, RangeError, ['settings.driftFactor']],
    ['driftFactor a string', { driftFactor: '0.01' }, TypeError, ['settings.driftFactor', 'number']],
    ['retryCount -2', { retryCount: -2 }, RangeError, ['settings.retryCount', '-1', 'integer from 0']],
    ['retryCount 1.5', { retryCount: 1.5 }, RangeError, ['settings.retryCount']],
    ['retryDelay -1', { retryDelay: -1 }, RangeError, ['settings.retryDelay', 'from 0']],
    ['retryDelay NaN', { retryDelay: Number.NaN }, RangeError, ['settings.retryDelay']],
    ['retryJitter -1', { retryJitter: -1 }, RangeError, ['settings.retryJitter']],
    ['automaticExtensionThreshold -1', { automaticExtensionThreshold: -1 }, RangeError, ['settings.automaticExtensionThreshold']],
    ['fencing "yes"', { fencing: 'yes' }, TypeError, ['settings.fencing', 'boolean']],
    ['nodeTimeoutMs 0', { nodeTimeoutMs: 0 }, RangeError, ['settings.nodeTimeoutMs', 'from 1']],
    ['nodeTimeoutMs 1.5', { nodeTimeoutMs: 1.5 }, RangeError, ['settings.nodeTimeoutMs']],
  ];
  return cases.map(([label, settings, type, words]): Check => [`${where} settings: ${label}`, make(settings), type, words]);
}

describe('bad input', () => {
  const fx = withServers(3);
  resetAfterEach(fx);

  it.each(checks)('%s → %O naming the argument, and nothing reaches Redis', async (_label, run, type, words) => {
    const redlock = new Redlock(fx.clients);
    const lock = await redlock.acquire(['held-for-extend'], 10_000);
    // The acquire resolves at its quorum; its statistics once every node has answered, so
    // no command of it is still on its way when the count starts.
    await Promise.all(lock.attempts);
    const before = await fx.commandCalls();
    let error: unknown;
    try {
      // Synchronous throws and rejections both count.
      await run(redlock, lock);
    } catch (caught) {
      error = caught;
    }
    const after = await fx.commandCalls();
    expect(error).toBeInstanceOf(type);
    // v5's fixed messages (the duration's) keep the argument and range in `cause`.
    const text = `${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message ?? ''}`;
    for (const word of words) expect(text).toMatch(typeof word === 'string' ? new RegExp(escape(word)) : word);
    expect(after - before).toBe(0);
    expect(lockKeys(await fx.keysOnAllNodes())).toEqual(['0:held-for-extend', '1:held-for-extend', '2:held-for-extend']);
    await lock.release();
  });

  it('sees lock traffic in the command counts (so the equality above can fail)', async () => {
    const redlock = new Redlock(fx.clients);
    const before = await fx.commandCalls();
    await (await redlock.acquire(['counted'], 1000)).release();
    expect((await fx.commandCalls()) - before).toBeGreaterThanOrEqual(2 * 3);
  });

  it.each([Math.floor(MAX / 10), MAX])('accepts and honours a duration of %i ms', async (durationMs) => {
    const redlock = new Redlock(fx.clients, { fencing: true });
    const lock = await redlock.acquire(['long'], durationMs);
    expect(lock.expiration).toBeGreaterThan(Date.now() + durationMs / 2);
    // The acquire resolves at its quorum; its statistics wait for every node's answer.
    await Promise.all(lock.attempts);
    for (let index = 0; index < 3; index += 1) {
      expect(await fx.admin(index).get('long')).toBe(lock.value);
      expect(await fx.admin(index).pttl('long')).toBeGreaterThan(durationMs - 60_000);
    }
    const extended = await lock.extend(durationMs);
    expect(extended.value).toBe(lock.value);
    await extended.release();
    const again = await redlock.acquire(['long'], durationMs, { retryCount: 0 });
    expect(again.fence).toBeGreaterThan(lock.fence!);
    await again.release();
    const value = await redlock.using(['long'], durationMs, async (signal) => (signal.aborted ? 'aborted' : 'ran'));
    expect(value).toBe('ran');
    // A release resolves at a quorum; the last nodes' deletions land a moment later.
    await lockKeysSettle(fx, []);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
