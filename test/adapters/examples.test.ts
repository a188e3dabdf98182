import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

/** The adapter examples are documentation: they must keep running, offline, and say what they claim. */
describe('adapter examples', () => {
  it.each([
    ['gramjs', /all six sent in \d+ ms, 0 sent into an open window[\s\S]*field: first_name/],
    ['mtcute', /all six sent in \d+ ms, 0 sent into an open window[\s\S]*field: first_name/],
    ['grammy', /delivered to -1004001[\s\S]*USER_IS_BLOCKED[\s\S]*open window: 0/],
  ])('examples/%s-adapter.ts', async (name, expected) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${name}-adapter.ts`], {
      timeout: 30_000,
    })
    expect(stdout).toMatch(expected)
  })
})
