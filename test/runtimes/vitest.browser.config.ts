import { fileURLToPath } from 'node:url'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { CORE_TEST_FILES, NOT_IN_BROWSER, RUNTIME_IDENTITY_FILE } from './core-suite.js'
import { expectedRuntime } from './expected-runtime.js'

/** Debian's Chromium, so that no browser download is needed; the runner installs it with apt. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Flags that keep a headless Chromium quiet and offline on a shared, sandbox-less CI machine. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The core's tests, minus the few that need Node's modules, in headless Chromium. */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: {
    alias: { 'node:timers': fileURLToPath(new URL('./browser-timers.ts', import.meta.url)) },
  },
  test: {
    include: [...CORE_TEST_FILES, RUNTIME_IDENTITY_FILE],
    exclude: Object.keys(NOT_IN_BROWSER),
    testTimeout: 20_000,
    provide: { expectedRuntime: expectedRuntime() },
    browser: {
      enabled: true,
      headless: true,
      // A failure's screenshot would land beside the test files; the report already says what failed.
      screenshotFailures: false,
      // Playwright gives every launch a fresh temporary profile of its own.
      provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS } }),
      instances: [{ browser: 'chromium' }],
    },
  },
})
