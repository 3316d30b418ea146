import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { monotonicMs } from '../../../src/clock.js';
import { checkMutex } from '../../../sim/checker/mutex.js';
import { holdWindows } from '../../../sim/checker/hold-windows.js';
import type { HistoryEvent, Op } from '../../../sim/history/types.js';
import type { LockClient } from '../../../sim/workload/client-variants.js';
import type { ResourceClient } from '../../../sim/workload/resource.js';
import type { WorkerConfig } from '../../../sim/workload/worker-config.js';
import { runWorkerLoop } from '../../../sim/workload/worker-loop.js';

// What the loop reads of its config for one acquisition that finds no time left to write.
const CONFIG = {
  workerId: 0,
  loops: [{ workerId: 0, seed: 1 }],
  group: 0,
  resources: ['r0'],
  ttlMs: 1_000,
  runMs: 10_000,
  maxAttempts: 1,
  register: 'kleppmann',
  controlRegisters: [],
  reportsHolds: false,
  holdMs: [1, 1],
  thinkMs: [0, 0],
} as unknown as WorkerConfig;

/**
 * A lock client whose acquire hands over a lock valid for `validMs`, then goes on looking
 * something up for `lookupMs` before it returns (the correct client awaits every node's
 * answer to name the failing ones; a client pause can fall in there).
 */
function slowLookupClient(validMs: number, lookupMs: number): LockClient {
  return {
    async acquire(resource) {
      const acquiredMs = monotonicMs();
      await sleep(lookupMs);
      return { resource, value: 'v', unreachable: [], fence: undefined, validUntilMs: acquiredMs + validMs, acquiredMs, release: async () => {} };
    },
    planHoldMs: (held, _random, nowMs) => (nowMs < held.validUntilMs ? 1 : null),
    quit: async () => {},
  };
}

describe('the worker loop', () => {
  it('records the acquire ok when the lock was handed over, so a validity that ended during the lookup after it is still trusted', async () => {
    const events: Op[] = [];
    await runWorkerLoop({
      config: CONFIG,
      loop: { workerId: 0, seed: 1 },
      client: slowLookupClient(10, 40),
      resource: {} as ResourceClient,
      record: (op) => events.push(op),
      stopped: () => false,
    });
    const ok = events.find((e) => e.f === 'acquire' && e.type === 'ok');
    const release = events.find((e) => e.f === 'release' && e.type === 'invoke');
    if (!ok || !release || ok.validUntilMs === undefined) throw new Error('no acquire ok and release recorded');
    expect(ok.timeMs).toBeLessThan(ok.validUntilMs);
    // No time was left to write: the loop went straight to the release, 40 ms in.
    expect(events.some((e) => e.f === 'write')).toBe(false);
    expect(release.timeMs - ok.timeMs).toBeGreaterThanOrEqual(39);
    // Another holder takes the lock once the first one's validity ended, before its release.
    const other: HistoryEvent[] = [
      { kind: 'op', type: 'invoke', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'b', timeMs: ok.validUntilMs + 1 },
      { kind: 'op', type: 'ok', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'b', timeMs: ok.validUntilMs + 2, validUntilMs: ok.validUntilMs + 900 },
    ];
    const history = [...events, ...other];
    expect(holdWindows(history).find((w) => w.lockId === ok.lockId)).toMatchObject({ validityTrusted: true, endedBy: 'validity' });
    expect(checkMutex(history).valid).toBe(true);
    // Recorded when the client returned instead, the same ok would come after its claim:
    // the checker may not trust it, and the other holder overlaps it until the release.
    const late = history.map((e) => (e === ok ? { ...ok, timeMs: release.timeMs - 0.5 } : e));
    expect(checkMutex(late).valid).toBe(false);
  });
});
