// The value each runtime config provides to its tests.
declare module 'vitest' {
  export interface ProvidedContext {
    /** The runtime a `test:runtimes` run was started for: `bun`, `deno`, `chromium` or `node<major>`. */
    expectedRuntime: string
  }
}

/** Name of the environment variable through which the runner tells a config which runtime it started. */
export const EXPECTED_RUNTIME_VARIABLE = 'RUNTIME_UNDER_TEST'

/** The runtime this run was started for; a run started without it is refused rather than guessed. */
export function expectedRuntime(): string {
  const value = process.env[EXPECTED_RUNTIME_VARIABLE]
  if (!value) {
    throw new Error(
      `${EXPECTED_RUNTIME_VARIABLE} is not set: start runtime runs through \`npm run test:runtimes\``,
    )
  }
  return value
}
