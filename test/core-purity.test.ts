import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Folders that make up the runtime-free core: they must run unchanged in browsers, Deno and Bun. */
const CORE_FOLDERS = ['src/error', 'src/catalog', 'src/wire', 'src/recovery', 'src/flood', 'src/pool']
/** Node-only modules that may sit inside a core folder because they have their own subpath export. */
const NODE_ONLY = /redis/

function sourceFiles(folder: string): string[] {
  let entries: string[]
  try {
    entries = readdirSync(folder)
  } catch {
    return []
  }
  return entries.flatMap((entry) => {
    const path = join(folder, entry)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !NODE_ONLY.test(path) ? [path] : []
  })
}

const NODE_BUILTINS =
  /from ['"](node:|fs|path|os|net|tls|crypto|zlib|stream|events|util|buffer|child_process|http|https|worker_threads)(\/[^'"]*)?['"]/

describe('the core', () => {
  const files = CORE_FOLDERS.flatMap(sourceFiles)

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(3)
  })

  it.each(files)('%s imports nothing from Node and uses no Node globals', (file) => {
    const text = readFileSync(file, 'utf8')
    expect(text).not.toMatch(NODE_BUILTINS)
    expect(text).not.toMatch(/\bBuffer\./)
    expect(text).not.toMatch(/\bprocess\.(env|nextTick|hrtime|exit)/)
    expect(text).not.toMatch(/\brequire\(/)
  })

  it('imports nothing from the Node-only folders', () => {
    for (const file of files) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"][./]+\/(cli|testkit|adapters)\//)
    }
  })
})
