import { describe, expect, it } from 'vitest'
import { importableSpecifiers, runNode, transcript, writeInConsumer } from './consumer.js'

/** Loads every specifier and prints `{ specifier: sorted export names }` as JSON. */
function loaderScript(format: 'esm' | 'cjs', specifiers: readonly string[]): string {
  const load = format === 'esm' ? 'await import(specifier)' : 'require(specifier)'
  const body = `
const names = {}
for (const specifier of ${JSON.stringify(specifiers)}) {
  names[specifier] = Object.keys(${load}).filter((name) => name !== 'default').sort()
}
console.log(JSON.stringify(names))
`
  return format === 'esm' ? body : `;(async () => {${body}})()`
}

describe('every entry point of the installed package', () => {
  const specifiers = importableSpecifiers()

  it('lists the entry points from the exports map', () => {
    // The list is read, not written here: a new subpath is covered without touching this file.
    expect(specifiers).toContain('mtproto-errors')
    expect(specifiers).toContain('mtproto-errors/testkit')
    expect(specifiers.length).toBeGreaterThanOrEqual(7)
  })

  it('imports in ESM and requires in CommonJS, with the same exports in both', async () => {
    const esm = await runNode(writeInConsumer('entries.mjs', loaderScript('esm', specifiers)))
    const cjs = await runNode(writeInConsumer('entries.cjs', loaderScript('cjs', specifiers)))
    expect(esm.code, transcript(esm)).toBe(0)
    expect(cjs.code, transcript(cjs)).toBe(0)
    const fromEsm = JSON.parse(esm.stdout) as Record<string, string[]>
    const fromCjs = JSON.parse(cjs.stdout) as Record<string, string[]>
    expect(Object.keys(fromEsm)).toEqual(specifiers)
    for (const specifier of specifiers) {
      expect(fromEsm[specifier]!.length, specifier).toBeGreaterThan(0)
      expect(fromCjs[specifier], specifier).toEqual(fromEsm[specifier])
    }
    expect(fromEsm['mtproto-errors']).toContain('RpcError')
    expect(fromEsm['mtproto-errors/testkit']).toContain('startCluster')
  })
})
