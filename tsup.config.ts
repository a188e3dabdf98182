import { defineConfig } from 'tsup'

/** Every public entry point; each becomes an ESM + CJS pair with its own declarations. */
export const entries = {
  index: 'src/index.ts',
  // The TL toolkit (reader, writer, encoders, every decoder): runtime-free like the core, but not a
  // first-day need, so it has a subpath of its own and the root exports only the decoders.
  'wire/index': 'src/wire/index.ts',
  // Flood windows shared through Redis: Node-only, the one user of the ioredis peer dependency.
  'redis/index': 'src/redis/index.ts',
  // The CLI: Node-only (util.parseArgs, process). tsup keeps its shebang.
  'cli/main': 'src/cli/main.ts',
  // The simulated cluster: Node-only (sockets), so it is a subpath of its own and the core never
  // imports it.
  'testkit/index': 'src/testkit/index.ts',
  // One per client library, each its own subpath export; the client is a peer dependency, so
  // tsup leaves it external and the core never pulls a client in.
  'gramjs/index': 'src/adapters/gramjs/index.ts',
  'mtcute/index': 'src/adapters/mtcute/index.ts',
  'grammy/index': 'src/adapters/grammy/index.ts',
  // Helpers for real GramJS and mtcute clients: a subpath of its own, since it imports both.
  'testkit/clients': 'src/testkit/clients.ts',
  // OpenTelemetry traces and metrics: its own subpath, the one user of the optional
  // `@opentelemetry/api` peer dependency, which tsup leaves external.
  'otel/index': 'src/otel/index.ts',
}

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  // No source maps: see docs/design-decisions.md, "What the tarball ships".
  sourcemap: false,
  clean: true,
  target: 'es2022',
  splitting: true,
  treeshake: true,
  // fflate (inflate for gzip_packed) is compiled into our bundle, so the published core keeps zero
  // runtime dependencies while still using a well-kept inflate rather than one of our own.
  noExternal: ['fflate'],
  esbuildOptions(options) {
    // fflate's `node` export condition is the one esbuild picks for platform node, and that build
    // reaches for worker_threads through createRequire: a `node:module` import in the core, which
    // must run in browsers, Deno and Bun unchanged. Its browser build has the same synchronous
    // inflate/gzip we use, with no Node import at all.
    options.alias = { ...options.alias, fflate: 'fflate/browser' }
  },
  // The user's own ioredis, never a copy of ours: the store duplicates the client it is given.
  external: ['ioredis'],
})
