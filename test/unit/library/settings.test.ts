import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, mergeSettings, nodeTimeoutFor } from '../../../src/settings.js';
import { adaptClient } from '../../../src/clients/adapt.js';
import { NODE_RUNTIME } from '../../../src/runtime.js';
import { checkClients, checkDuration, checkResources, DURATION_MESSAGE } from '../../../src/validate.js';

describe('settings', () => {
  it("keeps node-redlock v5's defaults", () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ driftFactor: 0.01, retryCount: 10, retryDelay: 200, retryJitter: 100, automaticExtensionThreshold: 500 });
    expect(DEFAULT_SETTINGS.fencing).toBe(false);
  });

  it('merges overrides and leaves the base alone', () => {
    const merged = mergeSettings(DEFAULT_SETTINGS, { retryCount: 0, fencing: true });
    expect(merged.retryCount).toBe(0);
    expect(merged.fencing).toBe(true);
    expect(DEFAULT_SETTINGS.retryCount).toBe(10);
  });

  it.each([
    [{ driftFactor: 1 }, RangeError, /driftFactor must be from 0 up to but not including 1, got 1/],
    [{ driftFactor: -0.1 }, RangeError, /driftFactor/],
    [{ driftFactor: '0.01' }, TypeError, /driftFactor must be a number/],
    [{ retryCount: -2 }, RangeError, /retryCount must be -1 \(retry until aborted\) or an integer from 0, got -2/],
    [{ retryCount: 1.5 }, RangeError, /retryCount/],
    [{ retryDelay: -1 }, RangeError, /retryDelay must be from 0 to 2147483647 ms, got -1/],
    [{ retryDelay: Number.NaN }, RangeError, /retryDelay/],
    [{ retryJitter: -5 }, RangeError, /retryJitter/],
    [{ automaticExtensionThreshold: -1 }, RangeError, /automaticExtensionThreshold/],
    [{ fencing: 'yes' }, TypeError, /fencing must be a boolean/],
    [{ nodeTimeoutMs: 0 }, RangeError, /nodeTimeoutMs must be an integer from 1/],
    [{ signal: {} }, TypeError, /signal must be an AbortSignal/],
  ])('rejects %j', (overrides, type, message) => {
    expect(() => mergeSettings(DEFAULT_SETTINGS, overrides as never)).toThrow(type);
    expect(() => mergeSettings(DEFAULT_SETTINGS, overrides as never)).toThrow(message);
  });

  it('derives the per-node timeout from the duration within its bounds', () => {
    expect(nodeTimeoutFor(DEFAULT_SETTINGS, 1000)).toBe(100);
    expect(nodeTimeoutFor(DEFAULT_SETTINGS, 100)).toBe(50);
    expect(nodeTimeoutFor(DEFAULT_SETTINGS, 10_000_000)).toBe(5000);
    expect(nodeTimeoutFor({ ...DEFAULT_SETTINGS, nodeTimeoutMs: 7 }, 1000)).toBe(7);
  });
});

describe('argument checks', () => {
  it.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.POSITIVE_INFINITY, Number.NaN])('rejects duration %s with v5 words and the range', (duration) => {
    const error = (() => {
      try {
        checkDuration(duration);
      } catch (caught) {
        return caught as RangeError;
      }
      throw new Error('checkDuration accepted the duration');
    })();
    expect(error).toBeInstanceOf(RangeError);
    // Exactly v5's words (v5 code compares them); the range is in the cause.
    expect(error.message).toBe(DURATION_MESSAGE);
    expect((error.cause as Error).message).toMatch(/duration must be an integer from 1 to 9007199254740991 \(ms\), got /);
  });

  it('rejects a non-number duration with a TypeError', () => {
    expect(() => checkDuration('1000')).toThrow(TypeError);
  });

  it('accepts durations up to Number.MAX_SAFE_INTEGER', () => {
    expect(checkDuration(Math.floor(Number.MAX_SAFE_INTEGER / 10))).toBe(Math.floor(Number.MAX_SAFE_INTEGER / 10));
    expect(checkDuration(1)).toBe(1);
  });

  it.each([
    ['not an array', 'a', TypeError, /resources must be an array/],
    ['empty', [], RangeError, /resources must hold 1 or more/],
    ['an empty name', ['a', ''], RangeError, /resources\[1\] must be a non-empty string/],
    ['a non-string', ['a', 3], TypeError, /resources\[1\] must be a non-empty string, got number/],
    ['a duplicate', ['a', 'b', 'a'], RangeError, /resources\[2\] must be distinct/],
  ])('rejects resources that are %s', (_name, resources, type, message) => {
    expect(() => checkResources(resources)).toThrow(type);
    expect(() => checkResources(resources)).toThrow(message);
  });

  it('rejects no clients and non-clients', () => {
    expect(() => checkClients([])).toThrow(RangeError);
    expect(() => checkClients([])).toThrow(/at least one redis client/);
    expect(() => checkClients(undefined)).toThrow(TypeError);
    expect(() => adaptClient({}, 0, NODE_RUNTIME)).toThrow(TypeError);
    expect(() => adaptClient({}, 0, NODE_RUNTIME)).toThrow(/clients\[0\] must be an ioredis Redis or Cluster client, or an object implementing NodeClient/);
  });
});
