import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerDir, runInConsumer, transcript, writeInConsumer } from './consumer.js'

const examples = resolve(import.meta.dirname, '../../examples')

/**
 * What each example claims when it works. The demo is left out: it is the long-running show of
 * `npm start`, with its own test from src/ (test/testkit/demo.test.ts), and it borrows the CLI's
 * colour helpers, which are no public API.
 */
const CLAIMS: Readonly<Record<string, RegExp>> = {
  'explain-errors.ts': /420 FLOOD_WAIT_30[\s\S]*303 USER_MIGRATE_2/,
  'gramjs-adapter.ts': /all six sent in \d+ ms, 0 sent into an open window[\s\S]*field: first_name/,
  'mtcute-adapter.ts': /all six sent in \d+ ms, 0 sent into an open window[\s\S]*field: first_name/,
  'grammy-adapter.ts': /delivered to -1004001[\s\S]*USER_IS_BLOCKED[\s\S]*open window: 0/,
  'workers.ts': /, 0 calls made inside an announced window/,
}

describe('the examples, run against the installed package', () => {
  beforeAll(() => {
    // Copied unchanged: they import 'mtproto-errors/...' as a user's code does (in the repository
    // tsconfig's paths point those at src/; here nothing does, so they resolve to the tarball).
    mkdirSync(join(consumerDir(), 'examples'), { recursive: true })
    writeInConsumer('examples/package.json', '{ "type": "module" }\n')
    for (const file of Object.keys(CLAIMS))
      copyFileSync(join(examples, file), join(consumerDir(), 'examples', file))
  })

  it('covers every example but the demo and the policy library', () => {
    // own-policies.ts only defines policies (the code block of docs/recovery.md): it has nothing to
    // print, and test/recovery/user-policy.test.ts runs it and checks it imports only the root.
    const files = readdirSync(examples).filter(
      (file) => file.endsWith('.ts') && file !== 'demo.ts' && file !== 'own-policies.ts',
    )
    expect(files.sort()).toEqual(Object.keys(CLAIMS).sort())
  })

  it('imports nothing from the repository, only the package', () => {
    for (const file of Object.keys(CLAIMS)) {
      expect(readFileSync(join(examples, file), 'utf8'), file).not.toMatch(/from '\.\.?\//)
    }
  })

  it.each(Object.keys(CLAIMS))('%s', async (file) => {
    const run = await runInConsumer(process.execPath, ['--import', 'tsx', join('examples', file)], 90_000)
    expect(run.code, transcript(run)).toBe(0)
    expect(run.stdout).toMatch(CLAIMS[file]!)
  })
})
