import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/long-first-sequencer.js';

// Two projects, run one after the other (sequence.groupOrder):
// - unit: pure logic with injected clocks, no servers; its files run side by side in
//   worker threads, which start faster than forked processes.
// - integration: files that start real redis-server and toxiproxy-server processes, after
//   the unit files are done. Two at a time: their assertions are bounds derived from the
//   code's own settings, not this machine's speed, and most of their time is waiting out
//   TTLs and fault windows. The longest files start first (test/long-first-sequencer.ts).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'threads',
          // vitest's default is one fewer than the cores: one, on this 2-core machine.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'sim/**/*.test.ts', 'bench/**/*.test.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
