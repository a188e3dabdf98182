import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

/** `npm run test:package`: the package as users get it (see setup.ts). */
export default defineConfig({
  // Run from the repository root whichever folder vitest is started in.
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/package/**/*.test.ts'],
    globalSetup: ['test/package/setup.ts'],
    // One file at a time: each starts clusters, clients and compilers in child processes, and the
    // machines this runs on are small.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
