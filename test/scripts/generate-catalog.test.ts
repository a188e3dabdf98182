import { describe, expect, it } from 'vitest'
import { CatalogDataError, parseCatalogData } from '../../scripts/catalog/catalog-data.js'
import { staleFiles } from '../../scripts/generate-catalog.js'

const GOOD = `
FLOOD_WAIT_%d:
  codes: [420]
  params:
    seconds: { unit: seconds, meaning: "seconds to wait" }
  action: wait
  scope: method
  description: "Wait {seconds} seconds."
NAME_INVALID:
  codes: [400]
  action: fix-input
  field: name
  description: "The name is wrong."
  userMessage: "Please check the name."
  methods: [a.b, c.d]
`

function problems(text: string): readonly string[] {
  try {
    parseCatalogData(text)
    return []
  } catch (error) {
    if (error instanceof CatalogDataError) return error.problems
    throw error
  }
}

describe('generate-catalog', () => {
  it('finds the generated files up to date with data/errors.yaml', () => {
    expect(staleFiles()).toEqual([])
  })

  it('accepts valid data', () => {
    expect(parseCatalogData(GOOD).map((e) => e.name)).toEqual(['FLOOD_WAIT_%d', 'NAME_INVALID'])
  })

  it.each([
    ['a bad name', GOOD.replace('NAME_INVALID:', 'name_invalid:'), 'name must be'],
    ['an unknown code', GOOD.replace('codes: [400]', 'codes: [499]'), 'unknown code 499'],
    ['a %d without param', GOOD.replace(/ {2}params:\n.*\n/, ''), 'no params'],
    ['an unknown action', GOOD.replace('action: fix-input', 'action: pray'), 'action must be'],
    ['a scope on a 400', GOOD.replace('field: name', 'field: name\n  scope: peer'), 'scope is only'],
    ['a 420 wait without scope', GOOD.replace('  scope: method\n', ''), 'needs a scope'],
    ['an input error without field', GOOD.replace('  field: name\n', ''), 'needs a field'],
    ['an unknown placeholder', GOOD.replace('{seconds}', '{minutes}'), '{minutes} is not a parameter'],
    ['unsorted methods', GOOD.replace('[a.b, c.d]', '[c.d, a.b]'), 'sorted'],
    [
      'unsorted names',
      `${GOOD}AAA_EMPTY:\n  codes: [400]\n  action: retry\n  description: "x"\n`,
      'not sorted',
    ],
    ['a duplicate', `${GOOD}NAME_INVALID:\n  codes: [400]\n`, 'Map keys must be unique'],
    [
      'a literal shadowed by a template',
      `${GOOD}FLOOD_WAIT_5:\n  codes: [420]\n  action: retry\n  description: "x"\n`,
      'shape of template',
    ],
  ])('rejects %s', (_, text, message) => {
    expect(problems(text).join('\n')).toContain(message)
  })
})
