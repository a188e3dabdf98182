import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { categoryOf, PARAMETERISED_TEMPLATES, splitErrorMessage } from '../../src/error/index.js'
import { isRpcError, RpcError } from '../../src/index.js'

const TYPE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'.split('')
const typeArbitrary = fc.string({ unit: fc.constantFrom(...TYPE_CHARS), minLength: 1, maxLength: 60 })
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })

describe('properties of the error model', () => {
  it('any 32-bit code and any string give an error object, never a throw', () => {
    fc.assert(
      fc.property(int32, fc.string({ unit: 'binary' }), (code, message) => {
        const error = RpcError.from(code, message)
        expect(isRpcError(error)).toBe(true)
        expect(error).toBeInstanceOf(Error)
        expect(error.code).toBe(code)
        expect(error.errorMessage).toBe(message)
        expect(error.category).toBe(categoryOf(code))
        expect(typeof error.message).toBe('string')
        expect(() => JSON.stringify(error)).not.toThrow()
      }),
      // Five times fast-check's default: wide enough for the categories and odd strings, without
      // making this one property a tenth of the unit project's time.
      { numRuns: 500 },
    )
  })

  it('TYPE and TYPE: description round-trip through the split', () => {
    fc.assert(
      fc.property(
        typeArbitrary,
        fc.option(fc.string({ unit: 'grapheme', minLength: 1 })),
        (type, description) => {
          const message = description === null ? type : `${type}: ${description}`
          expect(splitErrorMessage(message)).toEqual({ type, description: description ?? undefined })
          const error = RpcError.from(400, message)
          expect(error.type).toBe(type)
          expect(error.description).toBe(description ?? undefined)
        },
      ),
    )
  })

  it('every parameterised template round-trips: fill in numbers, parse, get the same numbers back', () => {
    const templateArbitrary = fc.constantFrom(...PARAMETERISED_TEMPLATES)
    fc.assert(
      fc.property(
        templateArbitrary,
        fc.array(fc.nat({ max: 2 ** 40 }), { minLength: 4, maxLength: 4 }),
        ([template, names], numbers) => {
          let index = 0
          const type = template.replace(/%d/g, () => String(numbers[index++]))
          const error = RpcError.from(420, type)
          expect(error.template).toBe(template)
          names.forEach((name, i) => {
            expect(error.params[name]).toBe(numbers[i])
          })
        },
      ),
    )
  })

  it('a template never matches with anything before or after it (anchored)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PARAMETERISED_TEMPLATES),
        fc.nat({ max: 99_999 }),
        typeArbitrary.filter((extra) => !/^\d/.test(extra)),
        fc.boolean(),
        ([template], value, extra, before) => {
          const concrete = template.replace(/%d/g, String(value))
          const type = before ? `${extra}${concrete}` : `${concrete}_${extra}`
          const error = RpcError.from(420, type)
          expect(error.template).not.toBe(template)
        },
      ),
      { numRuns: 3000 },
    )
  })
})
