import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CORE_TEST_FILES, NOT_IN_BROWSER, RUNTIME_IDENTITY_FILE } from './core-suite.js'

const root = join(import.meta.dirname, '..', '..')
const coreFolders = CORE_TEST_FILES.map((pattern) => pattern.replace(/\*\*\/\*\.test\.ts$/, ''))

describe('the runtime suite lists', () => {
  it('name only core test files that exist, so a renamed file cannot slip back into the browser run', () => {
    for (const file of Object.keys(NOT_IN_BROWSER)) {
      expect(existsSync(join(root, file)), file).toBe(true)
      expect(
        coreFolders.some((folder) => file.startsWith(folder)),
        file,
      ).toBe(true)
      expect(NOT_IN_BROWSER[file]?.length, file).toBeGreaterThan(20)
    }
  })

  it('point at a runtime check that exists and that the default run does not pick up', () => {
    expect(existsSync(join(root, RUNTIME_IDENTITY_FILE))).toBe(true)
    expect(RUNTIME_IDENTITY_FILE.endsWith('.test.ts')).toBe(false)
  })
})
