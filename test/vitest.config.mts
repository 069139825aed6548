import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    exclude: ['dist/**', 'node_modules/**', 'webapps/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // e2e files start real servers on port 0; a few files in parallel keep the suite fast on 2 cores.
    maxWorkers: 2,
  },
});
