/**
 * Which test files make up "the core's tests" when they run outside Node 20, and which of them a
 * browser cannot load. One list, read by the Bun/Deno/Node config, the browser config and the
 * runner script, so a file added to a core folder runs everywhere without touching this module.
 */

/** The core's own folders: error model, catalogue, wire, recovery engine and flood bookkeeping. */
export const CORE_TEST_FILES: readonly string[] = [
  'test/error/**/*.test.ts',
  'test/catalog/**/*.test.ts',
  'test/wire/**/*.test.ts',
  'test/recovery/**/*.test.ts',
  'test/flood/**/*.test.ts',
]

/**
 * Checks that the current runtime is the one the run was started for. Without it a runner that
 * quietly fell back to Node would still report green counts.
 */
export const RUNTIME_IDENTITY_FILE = 'test/runtimes/runtime-identity.check.ts'

/**
 * Core files a browser cannot run, each with the reason. They stay in the Bun and Deno runs, where
 * the `node:` modules they use exist.
 */
export const NOT_IN_BROWSER: Readonly<Record<string, string>> = {
  'test/catalog/cross-check.test.ts':
    "reads GramJS's and mtcute's error tables out of node_modules through node:module",
  'test/wire/cross-implementation.test.ts':
    "compares our bytes with GramJS's and mtcute's Node builds and with node:zlib",
  'test/wire/inflate-gzip.test.ts':
    'makes its gzip fixtures with node:zlib and measures memory with process.memoryUsage',
  'test/wire/runtime-free.test.ts': 'a static check that reads src/wire from disk with node:fs',
  'test/recovery/runtime-free.test.ts': 'a static check that reads src/ and package.json with node:fs',
  'test/recovery/abort-registry.test.ts':
    "listens for Node's MaxListenersExceededWarning on process, the warning the registry exists to avoid",
  'test/recovery/check-options.test.ts':
    "checks the adapters' options too, and the GramJS adapter's `telegram` package needs Node's Buffer to load",
  'test/recovery/user-policy.test.ts':
    "reads docs/recovery.md from disk with node:fs to hold the doc's code block and the example equal",
  'test/wire/bytes-input.test.ts': 'makes its gzip fixtures with node:zlib and passes Node Buffers',
  'test/wire/inflate-budget.test.ts': 'makes its gzip bombs with node:zlib',
  'test/recovery/leak.test.ts':
    "a 100,000-call soak on fake timers: 10 s in Node, about 100 s in Chromium, whose clamped setTimeout paces each of the fake clock's steps",
}
