import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const WIRE = join(import.meta.dirname, '../../src/wire')

describe('src/wire stays runtime-free', () => {
  const files = readdirSync(WIRE).filter((file) => file.endsWith('.ts'))

  it.each(files)('%s imports nothing from Node and uses no Buffer', (file) => {
    // Comments may name Node things (as advice to users); only code counts.
    const source = readFileSync(join(WIRE, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '')
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1])
    for (const specifier of imports) {
      expect(specifier === 'fflate' || specifier?.startsWith('.'), `${file} imports ${specifier}`).toBe(true)
    }
    expect(source).not.toMatch(/\bBuffer\b|\bprocess\.|require\(/)
  })
})
