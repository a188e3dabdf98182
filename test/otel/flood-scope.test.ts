import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { floodKey } from '../../src/flood/flood-key.js'
import { scopeOfKey } from '../../src/otel/flood-scope.js'

const METHOD = fc.stringMatching(/^[a-z]{1,8}\.[a-zA-Z]{1,12}$/)

describe('scopeOfKey', () => {
  it('reads back the scope of every key floodKey builds, whatever the account and value hold', () => {
    fc.assert(
      fc.property(
        fc.string(),
        METHOD,
        fc.constantFrom('account', 'method', 'peer', 'phone', 'params') as fc.Arbitrary<
          'account' | 'method' | 'peer' | 'phone' | 'params'
        >,
        fc.string(),
        (account, method, scope, value) => {
          expect(scopeOfKey(floodKey({ account, method, scope, value }))).toBe(scope)
        },
      ),
    )
  })

  it('keeps any other string inside the closed label set', () => {
    const labels = new Set(['account', 'method', 'peer', 'phone', 'params'])
    fc.assert(fc.property(fc.string(), (key) => labels.has(scopeOfKey(key))))
  })
})
