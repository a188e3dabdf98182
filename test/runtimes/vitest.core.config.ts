import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { CORE_TEST_FILES, RUNTIME_IDENTITY_FILE } from './core-suite.js'
import { expectedRuntime } from './expected-runtime.js'

/**
 * The core's tests as they are, for a server-side runtime (Bun, Deno, another Node major): Vitest
 * itself is started by that runtime, so its workers and the code under test run there too.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: [...CORE_TEST_FILES, RUNTIME_IDENTITY_FILE],
    testTimeout: 20_000,
    provide: { expectedRuntime: expectedRuntime() },
  },
})
