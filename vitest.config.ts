import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against core's source, so they need no build of core first; a subpath export
    // (`@agentry/core/api`) is the index of the folder of that name, except the one-file `version`.
    alias: [
      {
        find: /^@agentry\/core$/,
        replacement: fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)),
      },
      {
        find: /^@agentry\/core\/version$/,
        replacement: fileURLToPath(new URL('./packages/core/src/version.ts', import.meta.url)),
      },
      {
        find: /^@agentry\/core\/([a-z-]+)$/,
        replacement: fileURLToPath(new URL('./packages/core/src/$1/index.ts', import.meta.url)),
      },
    ],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'hono/jsx' } },
  test: {
    include: ['packages/*/src/**/*.test.{ts,tsx}', 'packages/*/test/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    globalSetup: ['test-support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
