import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Test files that need more than this process: they open sockets (the testkit clusters, the fake
 * Bot API, Redis), spawn processes (the CLI smoke, examples, fleet workers, esbuild), or drive the
 * real GramJS and mtcute clients. Everything else is a unit test, and the unit project's setup file
 * makes a socket or a child process there fail loudly, so a new file cannot drift into the wrong
 * project unnoticed.
 */
export const INTEGRATION_FILES = [
  'test/adapters/default-delivery.test.ts',
  'test/adapters/docs-snippets.test.ts',
  'test/adapters/examples.test.ts',
  'test/adapters/fresh-login.test.ts',
  'test/adapters/gramjs-containers.test.ts',
  'test/adapters/gramjs.test.ts',
  'test/adapters/grammy-call-options.test.ts',
  'test/adapters/grammy-limits.test.ts',
  'test/adapters/grammy-redis.test.ts',
  'test/adapters/grammy.test.ts',
  'test/adapters/mtcute.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/serve.test.ts',
  'test/fleet/**/*.test.ts',
  'test/otel/mtproto-cluster.test.ts',
  'test/otel/pacing.test.ts',
  'test/otel/prometheus.e2e.test.ts',
  'test/otel/redis-store.test.ts',
  'test/otel/workload.test.ts',
  'test/redis/pace-calendar.test.ts',
  'test/redis/pace-fleet.test.ts',
  'test/redis/pace-processes.test.ts',
  'test/redis/pace-store.test.ts',
  'test/redis/shared-pace.test.ts',
  'test/redis/redis-flood-store.test.ts',
  'test/redis/redis-outage.test.ts',
  'test/redis/store-values.test.ts',
  'test/scripts/bundle-size.test.ts',
  'test/setup/services.test.ts',
  'test/soak/**/*.test.ts',
  'test/testkit/bot-api-server.test.ts',
  'test/testkit/check-testkit-options.test.ts',
  'test/testkit/dc-crash.test.ts',
  'test/testkit/demo.test.ts',
  'test/testkit/engine-over-cluster.test.ts',
  'test/testkit/fleet-over-cluster.test.ts',
  'test/testkit/load.test.ts',
  'test/testkit/mtproto/flood-receipts.test.ts',
  'test/testkit/mtproto/fuzz.test.ts',
  'test/testkit/mtproto/gramjs.test.ts',
  'test/testkit/mtproto/mtcute.test.ts',
  'test/testkit/mtproto/protocol.test.ts',
  'test/testkit/mtproto/server-limits.test.ts',
  'test/testkit/mtproto/shared-rules.test.ts',
  'test/testkit/plain-cluster.test.ts',
  'test/testkit/plain-server-limits.test.ts',
  'test/testkit/start-cluster.test.ts',
  'test/testkit/testkit-invoker.test.ts',
]

// The package tests build, pack and install the tarball (minutes, and network-free only with a
// warm npm cache): `npm run test:package` runs them, with their own config.
const exclude = [...configDefaults.exclude, 'test/package/**']

export default defineConfig({
  test: {
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...exclude, ...INTEGRATION_FILES],
          setupFiles: ['test/setup/unit-only.ts'],
          // One module graph per worker instead of one per file: re-importing the library, fast-check
          // and the client codecs for each of 60-odd files cost more than the tests themselves
          // (99 s against 32 s on a loaded machine). So a unit test restores what it changes: real
          // timers after fake ones, globals it stubs.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION_FILES,
          exclude,
          // Installs redis-server where it is missing (or fails with what to install), before any
          // file of this project; the unit project needs nothing installed.
          globalSetup: ['test/setup/services.ts'],
        },
      },
    ],
  },
})
