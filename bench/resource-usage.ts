import type { Figure } from './figures.js';

/**
 * What one measured run cost, beside its latencies: the bench process's CPU, the bytes
 * it allocated on the V8 heap and its GC pauses, and the redis-servers' CPU. Summed
 * over a library's rounds and divided by its operations, these are the per-cycle
 * figures.
 */
export interface ResourceUsage {
  /** User + system CPU of the whole bench process, in µs (`process.cpuUsage`). */
  readonly clientCpuUs: number;
  /** Bytes allocated on the V8 heap (see allocatedBytes). */
  readonly allocatedBytes: number;
  /** GCs that ran, and their summed cost in µs (v8.GCProfiler). */
  readonly gcCount: number;
  readonly gcPauseUs: number;
  /** used_cpu_user + used_cpu_sys summed over every node, in µs; null when not measured. */
  readonly serverCpuUs: number | null;
}

export const ZERO_USAGE: ResourceUsage = { clientCpuUs: 0, allocatedBytes: 0, gcCount: 0, gcPauseUs: 0, serverCpuUs: 0 };

/** Sums two usages; a server figure missing on either side stays missing. Pure. */
export function addUsage(a: ResourceUsage, b: ResourceUsage): ResourceUsage {
  return {
    clientCpuUs: a.clientCpuUs + b.clientCpuUs,
    allocatedBytes: a.allocatedBytes + b.allocatedBytes,
    gcCount: a.gcCount + b.gcCount,
    gcPauseUs: a.gcPauseUs + b.gcPauseUs,
    serverCpuUs: a.serverCpuUs === null || b.serverCpuUs === null ? null : a.serverCpuUs + b.serverCpuUs,
  };
}

/** The heap used just before and just after one GC, in bytes. */
export interface GcHeapChange {
  readonly usedBeforeBytes: number;
  readonly usedAfterBytes: number;
}

/**
 * Bytes allocated between two readings of the V8 heap's used size: every byte allocated
 * is either still on the heap at the end or was freed by one of the GCs in between, so
 * allocated = (used at end - used at start) + the sum of what each GC freed. Node 20
 * has no allocation counter of its own (no `total_allocated_bytes`), and
 * `process.memoryUsage` deltas alone miss whatever a GC freed. Off-heap memory (Buffer
 * backing stores, sockets) is not counted. Throws RangeError on a negative or
 * non-finite reading. Pure.
 */
export function allocatedBytes(usedStartBytes: number, usedEndBytes: number, gcs: readonly GcHeapChange[]): number {
  const check = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number of bytes, 0 or more, got ${value}`);
  };
  check('usedStartBytes', usedStartBytes);
  check('usedEndBytes', usedEndBytes);
  let freed = 0;
  for (const gc of gcs) {
    check('usedBeforeBytes', gc.usedBeforeBytes);
    check('usedAfterBytes', gc.usedAfterBytes);
    // A GC can grow the used size (promotion bookkeeping); it freed nothing then.
    freed += Math.max(0, gc.usedBeforeBytes - gc.usedAfterBytes);
  }
  return Math.max(0, usedEndBytes - usedStartBytes + freed);
}

/**
 * A redis INFO cpu reply's used_cpu_user + used_cpu_sys, in µs (Redis prints seconds
 * with six decimals, from getrusage). Throws when either field is missing. Pure.
 */
export function parseServerCpuUs(info: string): number {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:(\\d+(?:\\.\\d+)?)\\s*$`, 'm').exec(info);
    if (!match?.[1]) throw new Error(`INFO cpu has no ${name} field`);
    return Number(match[1]);
  };
  // Seconds to µs, rounded so that 0.1 + 0.2 style float error does not show.
  return Math.round((field('used_cpu_user') + field('used_cpu_sys')) * 1e6);
}

/** Names of the per-cycle figures, as they appear in tables and targets. */
export const CLIENT_CPU = 'client CPU/cycle';
export const SERVER_CPU = 'server CPU/cycle';
export const ALLOCATED = 'allocated/cycle';
export const GC_PAUSE = 'GC pause/cycle';

/**
 * The per-cycle figures of a usage over `operations` completed cycles (or acquisitions).
 * The server figure is left out when it was not measured. NaN with no operations. Pure.
 */
export function usageFigures(usage: ResourceUsage, operations: number): Figure[] {
  const per = (value: number): number => (operations > 0 ? value / operations : Number.NaN);
  const figures: Figure[] = [{ name: CLIENT_CPU, value: per(usage.clientCpuUs), unit: 'µs', better: 'lower' }];
  if (usage.serverCpuUs !== null) figures.push({ name: SERVER_CPU, value: per(usage.serverCpuUs), unit: 'µs', better: 'lower' });
  figures.push(
    { name: ALLOCATED, value: per(usage.allocatedBytes), unit: 'B', better: 'lower' },
    { name: GC_PAUSE, value: per(usage.gcPauseUs), unit: 'µs', better: 'lower' },
  );
  return figures;
}
