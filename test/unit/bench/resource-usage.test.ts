import { describe, expect, it } from 'vitest';
import { addUsage, allocatedBytes, parseServerCpuUs, usageFigures, ZERO_USAGE, type ResourceUsage } from '../../../bench/resource-usage.js';

const INFO_CPU = [
  '# CPU',
  'used_cpu_sys:1.250000',
  'used_cpu_user:0.750125',
  'used_cpu_sys_children:9.000000',
  'used_cpu_user_children:9.000000',
  'used_cpu_sys_main_thread:1.200000',
  'used_cpu_user_main_thread:0.700000',
  '',
].join('\r\n');

describe('allocatedBytes', () => {
  it('adds what every GC freed to the growth of the used heap', () => {
    // 10 MB at start, 12 MB at end; two GCs freed 30 MB and 5 MB.
    const mb = 1_000_000;
    const gcs = [
      { usedBeforeBytes: 40 * mb, usedAfterBytes: 10 * mb },
      { usedBeforeBytes: 16 * mb, usedAfterBytes: 11 * mb },
    ];
    expect(allocatedBytes(10 * mb, 12 * mb, gcs)).toBe(37 * mb);
    expect(allocatedBytes(10 * mb, 12 * mb, [])).toBe(2 * mb);
  });

  it('counts a GC that grew the heap as freeing nothing, and never goes below 0', () => {
    expect(allocatedBytes(100, 150, [{ usedBeforeBytes: 120, usedAfterBytes: 130 }])).toBe(50);
    expect(allocatedBytes(500, 100, [])).toBe(0);
  });

  it('rejects negative or non-finite readings, naming them', () => {
    expect(() => allocatedBytes(-1, 0, [])).toThrow(/usedStartBytes must be a finite number of bytes, 0 or more, got -1/);
    expect(() => allocatedBytes(0, Number.NaN, [])).toThrow(RangeError);
    expect(() => allocatedBytes(0, 1, [{ usedBeforeBytes: Number.POSITIVE_INFINITY, usedAfterBytes: 0 }])).toThrow(/usedBeforeBytes/);
  });
});

describe('parseServerCpuUs', () => {
  it('sums used_cpu_user and used_cpu_sys (not the children, not main_thread) in µs', () => {
    expect(parseServerCpuUs(INFO_CPU)).toBe(2_000_125);
  });

  it('throws when a field is missing', () => {
    expect(() => parseServerCpuUs('# CPU\r\nused_cpu_sys:1.0\r\n')).toThrow(/no used_cpu_user field/);
    expect(() => parseServerCpuUs('used_cpu_sys_children:1.0\r\nused_cpu_user:1.0\r\n')).toThrow(/no used_cpu_sys field/);
  });
});

describe('usage figures', () => {
  const usage: ResourceUsage = { clientCpuUs: 2_000_000, allocatedBytes: 600_000_000, gcCount: 40, gcPauseUs: 40_000, serverCpuUs: 1_500_000 };

  it('divides by the operations, one figure per resource, all better lower', () => {
    const figures = usageFigures(usage, 10_000);
    expect(figures).toEqual([
      { name: 'client CPU/cycle', value: 200, unit: 'µs', better: 'lower' },
      { name: 'server CPU/cycle', value: 150, unit: 'µs', better: 'lower' },
      { name: 'allocated/cycle', value: 60_000, unit: 'B', better: 'lower' },
      { name: 'GC pause/cycle', value: 4, unit: 'µs', better: 'lower' },
    ]);
  });

  it('leaves the server figure out when not measured, and gives NaN without operations', () => {
    const figures = usageFigures({ ...usage, serverCpuUs: null }, 0);
    expect(figures.map((f) => f.name)).toEqual(['client CPU/cycle', 'allocated/cycle', 'GC pause/cycle']);
    expect(figures.every((f) => Number.isNaN(f.value))).toBe(true);
  });

  it('sums usages, and a missing server reading on either side stays missing', () => {
    expect(addUsage(usage, usage)).toEqual({ clientCpuUs: 4_000_000, allocatedBytes: 1_200_000_000, gcCount: 80, gcPauseUs: 80_000, serverCpuUs: 3_000_000 });
    expect(addUsage(ZERO_USAGE, usage)).toEqual(usage);
    expect(addUsage(usage, { ...usage, serverCpuUs: null }).serverCpuUs).toBeNull();
  });
});
