import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { VERSION } from '../../src/version.js'

const root = join(import.meta.dirname, '..', '..')

function sources(folder: string): string[] {
  return readdirSync(join(root, folder))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(root, folder, file))
}

describe('the core', () => {
  it('reports the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
    expect(VERSION).toBe(pkg.version)
  })

  it('uses nothing from Node in the recovery engine and the flood store (browsers, Deno, Bun)', () => {
    const files = [
      ...sources('src/recovery'),
      ...sources('src/flood'),
      ...sources('src/pool'),
      join(root, 'src/version.ts'),
    ]
    expect(files.length).toBeGreaterThan(20)
    for (const file of files) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
      expect(code, file).not.toMatch(/from ['"](node:|fs|path|events|timers|util|crypto|buffer)['"]/)
      expect(code, file).not.toMatch(/\b(Buffer|process|require|setImmediate|__dirname)\b/)
    }
  })
})
