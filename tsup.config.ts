import { defineConfig } from 'tsup';

// The library ships as ESM and CommonJS with a declaration file for each, so that
// `import` and `require` both resolve types under NodeNext and bundler resolution.
// `redquorum/otel` is a second entry: only it imports @opentelemetry/api (a peer
// dependency, so left external), and the main entry never loads it.
// The CLI (sim and bench) is ESM only; its worker entries are built beside it so the
// lab can fork them as plain JavaScript.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', otel: 'src/otel/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
  },
  {
    entry: {
      cli: 'bench/cli.ts',
      'sim-worker': 'sim/workload/worker.ts',
    },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
