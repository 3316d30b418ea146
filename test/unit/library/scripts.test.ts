import { describe, expect, it } from 'vitest';
import { ACQUIRE, EXTEND, FENCE, RELEASE, RELEASE_AND_NOTIFY, releaseChannel } from '../../../src/scripts.js';
import { LOCK_VALUE_BYTES, randomLockValue } from '../../../src/lock-value.js';

describe('Lua scripts', () => {
  // A change to a script changes the lock protocol on the wire: these hashes make it a
  // deliberate act, reviewed together with the clients that may run the old version.
  it('are pinned by hash', () => {
    expect({
      acquire: ACQUIRE.sha,
      extend: EXTEND.sha,
      release: RELEASE.sha,
      releaseAndNotify: RELEASE_AND_NOTIFY.sha,
      fence: FENCE.sha,
    }).toMatchInlineSnapshot(`
      {
        "acquire": "133c97ca74bd589ed25d1dd4b5472712864d7b65",
        "extend": "b88855321fb2bdc3e007f1dcc0026d3390cf188e",
        "fence": "597763b45476041d167a1fcec3d399a3a5819650",
        "release": "c5ed0bce86f2b761e7ca71a664c71a7ccb823755",
        "releaseAndNotify": "5e035025a177a84113801b4385b6a3972b97a8bb",
      }
    `);
  });

  it('only the notifying release publishes, on the channel waiters subscribe to', () => {
    expect(RELEASE_AND_NOTIFY.lua).toContain(`'${releaseChannel('')}' .. KEYS[i]`);
    expect(RELEASE.lua).not.toContain('PUBLISH');
    for (const script of [ACQUIRE, EXTEND, FENCE]) expect(script.lua).not.toContain('PUBLISH');
  });
});

describe('lock values', () => {
  it('carry at least 128 random bits and do not repeat', () => {
    expect(LOCK_VALUE_BYTES * 8).toBeGreaterThanOrEqual(128);
    const values = new Set(Array.from({ length: 10_000 }, randomLockValue));
    expect(values.size).toBe(10_000);
    for (const value of [...values].slice(0, 10)) expect(value).toMatch(/^[0-9a-f]{32}$/);
  });
});
