import { defineConfig } from 'vitest/config';

// Three projects, in two groups run one after the other (sequence.groupOrder):
// - unit: pure logic with injected clocks, no servers; its files run side by side in
//   worker threads, which start faster than forked processes.
// - integration: files that start real redis-server and toxiproxy-server processes; two
//   cores cannot run many such files at once without turning timing faults into noise, so
//   they run one at a time, after the unit files are done (not next to them).
// - catalog: the lab's CI catalog, beside the integration files. Its rows run until they
//   have their evidence (never on a fixed clock), and the integration files assert only
//   bounds derived from the library's own settings, so each tolerates the other's load;
//   that is what those rules are for. At most two server-starting files run at once.
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
          exclude: ['test/integration/sim-catalog.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'catalog',
          include: ['test/integration/sim-catalog.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
