import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The package tests build, pack and install the tarball (minutes, and network-free only with a
    // warm npm cache): `npm run test:package` runs them, with their own config.
    exclude: [...configDefaults.exclude, 'test/package/**'],
    // Installs redis-server where it is missing (or fails with what to install), before any file.
    globalSetup: ['test/setup/services.ts'],
    testTimeout: 20_000,
  },
})
