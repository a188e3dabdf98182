import { describe, expect, inject, it } from 'vitest'

// The type of `inject('expectedRuntime')` is declared in ./expected-runtime.ts.

/** What this process is, read from the globals each runtime defines and the others lack. */
function currentRuntime(): string {
  const scope = globalThis as {
    Bun?: { version: string }
    Deno?: { version: { deno: string } }
    process?: { versions?: { node?: string } }
    navigator?: { userAgent?: string }
    document?: unknown
  }
  if (scope.Bun) return 'bun'
  if (scope.Deno) return 'deno'
  // Checked before Node because Vitest's browser mode defines a small `process` shim in the page.
  if (scope.document !== undefined && /Chrome\//.test(scope.navigator?.userAgent ?? '')) return 'chromium'
  const node = scope.process?.versions?.node
  if (node !== undefined) return `node${node.split('.')[0]}`
  return 'unknown'
}

describe('the runtime under test', () => {
  it('is the one this run was started for, not Node standing in for it', () => {
    expect(currentRuntime()).toBe(inject('expectedRuntime'))
  })
})
