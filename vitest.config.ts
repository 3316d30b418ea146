import { defineConfig } from 'vitest/config';

// Integration tests start real redis-server and toxiproxy-server processes; two cores
// cannot run many such files at once without turning timing faults into noise.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'sim/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
