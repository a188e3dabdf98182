import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fieldFromType } from '../../src/catalog/index.js'

describe('fieldFromType', () => {
  it('reads the field from the protocol pattern for types the catalogue does not know', () => {
    expect(fieldFromType('NICKNAME_INVALID')).toBe('nickname')
    expect(fieldFromType('BIO_TEXT_EMPTY')).toBe('bio_text')
    expect(fieldFromType('STATUS_TOO_LONG')).toBe('status')
    expect(fieldFromType('GREETING_REQUIRED')).toBe('greeting')
    expect(fieldFromType('SOMETHING_HAPPENED')).toBeUndefined()
    expect(fieldFromType('_INVALID')).toBeUndefined()
  })

  it("prefers the catalogue's answer for known types", () => {
    expect(fieldFromType('USERNAME_INVALID')).toBe('username')
    expect(fieldFromType('FIRSTNAME_INVALID')).toBe('first_name')
    expect(fieldFromType('CHAT_ADMIN_REQUIRED')).toBeUndefined()
  })

  it('gives no field for codes other than 400', () => {
    expect(fieldFromType('NICKNAME_INVALID', 500)).toBeUndefined()
    expect(fieldFromType('NICKNAME_INVALID', 400)).toBe('nickname')
  })

  it('returns the lower-cased prefix of any <FIELD>_INVALID (property)', () => {
    const word = fc.stringMatching(/^[A-Z][A-Z0-9]{0,8}$/)
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), (words) => {
        const field = `ZZ_${words.join('_')}`
        expect(fieldFromType(`${field}_INVALID`)).toBe(field.toLowerCase())
      }),
    )
  })
})
