import { defineConfig } from 'vitest/config';

// Two projects, run one after the other (sequence.groupOrder):
// - unit: pure logic with injected clocks, no servers; its files run side by side in
//   worker threads, which start faster than forked processes.
// - integration: files that start real redis-server and toxiproxy-server processes; two
//   cores cannot run many such files at once without turning timing faults into noise, so
//   they run one at a time, after the unit files are done (not next to them).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'threads',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'sim/**/*.test.ts', 'bench/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
