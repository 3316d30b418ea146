import { describe, expect, it } from 'vitest';
import { ACQUIRE, EXTEND, FENCE, RELEASE, releaseChannel } from '../../../src/scripts.js';
import { LOCK_VALUE_BYTES, randomLockValue } from '../../../src/lock-value.js';

describe('Lua scripts', () => {
  // A change to a script changes the lock protocol on the wire: these hashes make it a
  // deliberate act, reviewed together with the clients that may run the old version.
  it('are pinned by hash', () => {
    expect({
      acquire: ACQUIRE.sha,
      extend: EXTEND.sha,
      release: RELEASE.sha,
      fence: FENCE.sha,
    }).toMatchInlineSnapshot(`
      {
        "acquire": "9f2628b11e7cd0abdf8f3f561293cde58c8c92fd",
        "extend": "6a675cd8e12e2285083b1e41ad7c1e77638f584f",
        "fence": "597763b45476041d167a1fcec3d399a3a5819650",
        "release": "e8e62bf5d27f64fa864f2a9faa78690ba8b91703",
      }
    `);
  });

  it('release publishes on the channel waiters subscribe to', () => {
    expect(RELEASE.lua).toContain(`'${releaseChannel('')}' .. KEYS[i]`);
    expect(RELEASE.lua).toContain("if ARGV[2] == '1' then");
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
