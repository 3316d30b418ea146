import { describe, expect, it } from 'vitest';
import { formatSoak, soakStarts } from '../../sim/testbed/soak-starts.js';

// A short run of the start soak (the long one: npx tsx sim/testbed/soak-starts.ts 200 3):
// ten testbeds' servers, three at once, each proven to be its own process on its own port.
describe('testbed start soak (short)', () => {
  it('starts 10 testbeds, 3 at once, with no failed start and no shared server', async () => {
    const result = await soakStarts({ starts: 10, concurrency: 3 });
    const text = formatSoak(result, 3);
    expect(result.servers, text).toBe(70);
    expect(result.failedStarts, text).toBe(0);
    expect(result.sharedServers, text).toBe(0);
    expect(result.notOwned, text).toBe(0);
  });

  it('validates its options', async () => {
    await expect(soakStarts({ starts: 0 })).rejects.toThrow(/starts must be an integer from 1 to 10000, got 0/);
    await expect(soakStarts({ concurrency: 17 })).rejects.toThrow(/concurrency must be an integer from 1 to 16, got 17/);
  });
});
