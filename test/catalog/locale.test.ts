import { describe, expect, it } from 'vitest'
import { registerLocale, userMessageFor } from '../../src/catalog/index.js'
import { RpcError } from '../../src/error/index.js'

describe('user messages and locales', () => {
  it('has an English sentence for input errors, with parameters filled in', () => {
    expect(userMessageFor('PHONE_NUMBER_INVALID')).toMatch(/phone number/i)
    expect(userMessageFor(RpcError.from(420, 'FLOOD_WAIT_45'))).toContain('45 seconds')
  })

  it('falls back to the field, then the category, never to the raw type', () => {
    expect(userMessageFor('NICKNAME_INVALID')).toBe('Please check the nickname and try again.')
    expect(userMessageFor(RpcError.from(500, 'SOMETHING_BROKE'))).toMatch(/Telegram/)
    expect(userMessageFor(undefined)).toBe('Something went wrong. Please try again.')
  })

  it('uses a registered language, region first, and English for what it lacks', () => {
    registerLocale('xx', { PHONE_NUMBER_INVALID: 'xx: bad number', 'FLOOD_WAIT_%d': 'xx: wait {seconds}' })
    registerLocale('xx-YY', { PHONE_NUMBER_INVALID: 'xx-YY: bad number' })
    expect(userMessageFor('PHONE_NUMBER_INVALID', 'xx-YY')).toBe('xx-YY: bad number')
    expect(userMessageFor('PHONE_NUMBER_INVALID', 'xx_yy')).toBe('xx-YY: bad number')
    expect(userMessageFor('FLOOD_WAIT_9', 'xx-YY')).toBe('xx: wait 9')
    expect(userMessageFor('USERNAME_INVALID', 'xx')).toBe(userMessageFor('USERNAME_INVALID'))
  })

  it("prefers the language's own generic sentence to English specifics", () => {
    registerLocale('zz', { '@FORBIDDEN': 'zz: not allowed', '@field': 'zz: check {field}' })
    expect(userMessageFor(RpcError.from(403, 'CHAT_WRITE_FORBIDDEN'), 'zz')).toBe('zz: not allowed')
    expect(userMessageFor('NICKNAME_INVALID', 'zz')).toBe('zz: check nickname')
  })

  it('merges later registrations and can override English', () => {
    registerLocale('en', { CHAT_WRITE_FORBIDDEN: 'Posting is off here.' })
    expect(userMessageFor('CHAT_WRITE_FORBIDDEN')).toBe('Posting is off here.')
  })
})
