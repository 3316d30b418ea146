import { GCProfiler, getHeapStatistics } from 'node:v8';
import type { Redis } from 'ioredis';
import { allocatedBytes, parseServerCpuUs, type ResourceUsage } from './resource-usage.js';

/** A meter started before a measured run; `stop` reads what the run cost. */
export interface RunningMeter {
  stop(): Promise<ResourceUsage>;
}

/**
 * Measures one run: the process's CPU (`process.cpuUsage`), V8 heap allocation and GC
 * cost (`v8.GCProfiler`, which reports the heap before and after every GC), and, given
 * admin connections to every node, the servers' CPU (`INFO cpu` before and after).
 * Libraries run one at a time (interleaved rounds), so each reading belongs to one
 * library. The INFO round trips are outside the client window and cost the servers the
 * same few µs around every run.
 */
export async function startMeter(serverAdmins: readonly Redis[] | undefined): Promise<RunningMeter> {
  const serverBefore = serverAdmins ? await readServerCpuUs(serverAdmins) : null;
  const profiler = new GCProfiler();
  profiler.start();
  const heapStart = getHeapStatistics().used_heap_size;
  const cpuStart = process.cpuUsage();
  return {
    stop: async () => {
      const cpu = process.cpuUsage(cpuStart);
      const heapEnd = getHeapStatistics().used_heap_size;
      const profile = profiler.stop();
      const gcs = profile.statistics.map((gc) => ({
        usedBeforeBytes: gc.beforeGC.heapStatistics.usedHeapSize,
        usedAfterBytes: gc.afterGC.heapStatistics.usedHeapSize,
      }));
      const serverAfter = serverAdmins ? await readServerCpuUs(serverAdmins) : null;
      return {
        clientCpuUs: cpu.user + cpu.system,
        allocatedBytes: allocatedBytes(heapStart, heapEnd, gcs),
        gcCount: profile.statistics.length,
        gcPauseUs: profile.statistics.reduce((sum, gc) => sum + gc.cost, 0),
        serverCpuUs: serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore,
      };
    },
  };
}

async function readServerCpuUs(admins: readonly Redis[]): Promise<number> {
  const each = await Promise.all(admins.map(async (admin) => parseServerCpuUs(await admin.info('cpu'))));
  return each.reduce((sum, us) => sum + us, 0);
}
