import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entries } from '../../tsup.config.js'

const CLIENTS = /from ['"](telegram|@mtcute\/[a-z-]+|grammy)(\/[^'"]*)?['"]/

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

describe('adapters as subpath exports', () => {
  it('each adapter has a tsup entry and a package export', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      exports: Record<string, unknown>
      peerDependencies: Record<string, string>
      peerDependenciesMeta: Record<string, { optional: boolean }>
    }
    for (const [name, client] of [
      ['gramjs', 'telegram'],
      ['mtcute', '@mtcute/core'],
      ['grammy', 'grammy'],
    ] as const) {
      expect(entries).toHaveProperty(`${name}/index`, `src/adapters/${name}/index.ts`)
      expect(pkg.exports).toHaveProperty(`./${name}`)
      expect(pkg.peerDependencies).toHaveProperty(client)
      expect(pkg.peerDependenciesMeta[client]).toEqual({ optional: true })
    }
  })

  it('nothing outside src/adapters and the testkit imports a client library', () => {
    const files = sourceFiles('src').filter((file) => !/src[\\/](adapters|testkit)[\\/]/.test(file))
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      expect(text, file).not.toMatch(CLIENTS)
      expect(text, file).not.toMatch(/from ['"][./]+\/adapters\//)
    }
  })
})
