import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { catalogEntries, explain } from '../../src/catalog/index.js'
import { RpcError } from '../../src/error/index.js'

/** A concrete type for a template: each `%d` replaced by the matching value. */
function instantiate(template: string, values: readonly number[]): string {
  let i = 0
  return template.replace(/%d/g, () => String(values[i++]))
}

describe('every catalogue entry round-trips through parse -> explain', () => {
  const entries = catalogEntries()

  it.each(entries.map((e) => [e.name, e] as const))('%s', (_, entry) => {
    const values = entry.params.map((_, i) => 7 + i * 13)
    const type = instantiate(entry.name, values)
    const code = entry.codes[0] as number
    const error = RpcError.from(code, type)
    expect(error.template).toBe(entry.name)
    const explanation = explain(error)
    expect(explanation.known).toBe(true)
    expect(explanation.name).toBe(entry.name)
    expect(explanation.code).toBe(code)
    expect(explanation.action).toBe(entry.action)
    const expected = Object.fromEntries(entry.params.map((p, i) => [p.name, values[i]]))
    expect(explanation.values).toEqual(expected)
    for (const value of values) expect(explanation.summary).toContain(String(value))
    expect(explanation.summary).not.toMatch(/[{}]/)
    expect(explain(type, code)).toEqual(explanation)
  })

  it('keeps any parameter value for every template (property)', () => {
    const templates = entries.filter((e) => e.params.length > 0)
    fc.assert(
      fc.property(
        fc.constantFrom(...templates),
        fc.array(fc.nat({ max: 10_000_000 }), { minLength: 2, maxLength: 2 }),
        (entry, numbers) => {
          const values = entry.params.map((_, i) => numbers[i] as number)
          const explanation = explain(
            RpcError.from(entry.codes[0] as number, instantiate(entry.name, values)),
          )
          expect(explanation.name).toBe(entry.name)
          expect(Object.values(explanation.values)).toEqual(values)
        },
      ),
    )
  })
})
