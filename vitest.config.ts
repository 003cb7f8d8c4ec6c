import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import '@nimbus-js/nimbus' as a user would: the built package (npm test builds first), the same
// code the worker threads load.
export default defineConfig({
  resolve: {
    alias: [{ find: /^@nimbus-js\/nimbus$/, replacement: fileURLToPath(new URL('./dist/index.js', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Two test files at a time: most of a file's time is spent waiting on its workers, servers and
    // child processes, so two files keep 2 cores busier without crowding them (serial: 580 s).
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The shipping fixtures are loaded by Node itself, as a user's modules are: vitest's transform
    // would rewrite their imports, which is exactly what shipping reads.
    server: { deps: { external: [/\/test\/fixtures\/(shipping|worker)\//] } },
  },
});
