import { describe, expect, it } from 'vitest';
import { Redlock } from '../../src/index.js';
import { resetAfterEach, withServers } from './helpers/servers.js';

describe('many calls waiting at once', () => {
  const fx = withServers(1);
  resetAfterEach(fx);

  it('raises no MaxListenersExceededWarning: each waiting call listens for quit(), as many as the caller runs', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const redlock = new Redlock(fx.connect(), { retryDelay: 20, retryJitter: 0, retryCount: 1 });
      const holder = await redlock.acquire(['busy'], 5_000);
      // 16 callers on the held key: each fails its first attempt and sleeps before the second.
      const waiters = Array.from({ length: 16 }, () => redlock.acquire(['busy'], 5_000).catch((error: unknown) => error));
      const results = await Promise.all(waiters);
      expect(results.every((result) => result instanceof Error)).toBe(true);
      await holder.release();
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
