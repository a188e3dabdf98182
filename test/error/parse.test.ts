import { describe, expect, it } from 'vitest'
import { categoryOf, splitErrorMessage } from '../../src/error/index.js'
import { type FloodError, InternalServerError, RpcError } from '../../src/index.js'

describe('splitErrorMessage', () => {
  it('splits TYPE: description', () => {
    expect(splitErrorMessage('PHONE_NUMBER_INVALID: The phone number is invalid')).toEqual({
      type: 'PHONE_NUMBER_INVALID',
      description: 'The phone number is invalid',
    })
  })

  it('takes a bare type', () => {
    expect(splitErrorMessage('AUTH_KEY_UNREGISTERED')).toEqual({
      type: 'AUTH_KEY_UNREGISTERED',
      description: undefined,
    })
  })

  it.each(['Timeout', '', 'FLOOD_WAIT_30 extra', 'TYPE:', 'TYPE: ', ': x', 'lower_case', 'TYPE:no-space'])(
    'keeps %j whole as a description, with no type',
    (message) => {
      const split = splitErrorMessage(message)
      expect(split.type).toBeUndefined()
      expect(split.description).toBe(message === '' ? undefined : message)
    },
  )

  it('keeps newlines in the description', () => {
    expect(splitErrorMessage('X: a\nb').description).toBe('a\nb')
  })
})

describe('categories', () => {
  it.each([
    [303, 'SEE_OTHER'],
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [420, 'FLOOD'],
    [500, 'INTERNAL'],
    [406, 'INTERNAL'],
    [-503, 'INTERNAL'],
    [429, 'INTERNAL'],
    [0, 'INTERNAL'],
    [2 ** 31 - 1, 'INTERNAL'],
  ] as const)('%i is %s', (code, category) => {
    expect(categoryOf(code)).toBe(category)
    const error = RpcError.from(code, 'SOME_ERROR')
    expect(error.category).toBe(category)
    expect(error.code).toBe(code)
  })

  it('-503 Timeout is internal, keeps its code and has no type', () => {
    const error = RpcError.from(-503, 'Timeout')
    expect(error).toBeInstanceOf(InternalServerError)
    expect(error.code).toBe(-503)
    expect(error.type).toBeUndefined()
    expect(error.template).toBeUndefined()
    expect(error.description).toBe('Timeout')
  })
})

describe('template matching', () => {
  it('is anchored: a prefix, suffix or substring never matches', () => {
    for (const type of [
      'XFLOOD_WAIT_30',
      'FLOOD_WAIT_30_X',
      'FLOOD_WAIT_',
      'PRE_FILE_MIGRATE_2',
      'FLOOD_WAIT_X',
    ]) {
      const error = RpcError.from(420, type)
      expect(error.template).toBe(type)
      expect(error.params).toEqual({})
    }
  })

  it('keeps FLOOD_PREMIUM_WAIT apart from FLOOD_WAIT', () => {
    const premium = RpcError.from(420, 'FLOOD_PREMIUM_WAIT_5')
    expect(premium.template).toBe('FLOOD_PREMIUM_WAIT_%d')
    expect(premium.is('FLOOD_WAIT_%d')).toBe(false)
    expect((premium as FloodError).seconds).toBe(5)
  })

  it('parses the other waits and parameters', () => {
    expect(RpcError.from(420, 'SLOWMODE_WAIT_10').params).toEqual({ seconds: 10 })
    expect(RpcError.from(420, 'FLOOD_TEST_PHONE_WAIT_7').params).toEqual({ seconds: 7 })
    expect(RpcError.from(420, '2FA_CONFIRM_WAIT_86400').params).toEqual({ seconds: 86400 })
    expect(RpcError.from(420, 'FLOOD_WAIT_30_OR_STARS_100').params).toEqual({ seconds: 30, stars: 100 })
    expect(RpcError.from(400, 'PREVIOUS_CHAT_IMPORT_ACTIVE_WAIT_5MIN').params).toEqual({ minutes: 5 })
  })

  it('requires literal digits of a template to match exactly', () => {
    const error = RpcError.from(420, '3FA_CONFIRM_WAIT_10')
    expect(error.template).toBe('3FA_CONFIRM_WAIT_10')
    expect(error.params).toEqual({})
  })

  it('handles awkward numbers deliberately', () => {
    expect(RpcError.from(420, 'FLOOD_WAIT_0').params).toEqual({ seconds: 0 })
    expect(RpcError.from(420, 'FLOOD_WAIT_030').params).toEqual({ seconds: 30 })
    expect(RpcError.from(420, 'FLOOD_WAIT_99999999999').params).toEqual({ seconds: 99_999_999_999 })
    expect(RpcError.from(420, `FLOOD_WAIT_${'9'.repeat(40)}`).params).toEqual({
      seconds: Number.POSITIVE_INFINITY,
    })
  })
})

describe('the wire data is kept', () => {
  it('never rewrites code or errorMessage', () => {
    const error = RpcError.from(420, 'FLOOD_WAIT_030')
    expect(error.code).toBe(420)
    expect(error.errorMessage).toBe('FLOOD_WAIT_030')
    expect(error.type).toBe('FLOOD_WAIT_030')
  })

  it('bounds a huge error_message in message and toJSON, but keeps it whole', () => {
    const huge = `INTERNAL_FAILURE: ${'x'.repeat(1_000_000)}`
    const error = RpcError.from(500, huge)
    expect(error.errorMessage).toBe(huge)
    expect(error.message.length).toBeLessThan(400)
    expect(error.message).toContain('more characters')
    expect(JSON.stringify(error).length).toBeLessThan(1200)
  })

  it('bounds a huge type too, and does not try to match it', () => {
    const error = RpcError.from(400, 'A'.repeat(1_000_000))
    expect(error.type?.length).toBe(1_000_000)
    expect(error.template).toBe(error.type)
    expect(JSON.stringify(error).length).toBeLessThan(1200)
  })
})

describe('message and JSON', () => {
  it('reads well', () => {
    expect(RpcError.from(420, 'FLOOD_WAIT_30').message).toBe(
      '420 FLOOD_WAIT_30: a wait of 30 seconds is required',
    )
    expect(RpcError.from(303, 'USER_MIGRATE_2').message).toBe('303 USER_MIGRATE_2: the call belongs on DC 2')
    expect(RpcError.from(-503, '').message).toBe('-503 (empty error_message)')
    expect(String(RpcError.from(400, 'PHONE_NUMBER_INVALID'))).toBe(
      'BadRequestError: 400 PHONE_NUMBER_INVALID',
    )
  })

  it('serialises every field', () => {
    expect(RpcError.from(400, 'FIRSTNAME_INVALID: bad').toJSON()).toEqual({
      name: 'BadRequestError',
      code: 400,
      errorMessage: 'FIRSTNAME_INVALID: bad',
      type: 'FIRSTNAME_INVALID',
      description: 'bad',
      category: 'BAD_REQUEST',
      template: 'FIRSTNAME_INVALID',
      params: {},
    })
  })

  it('lets message be overwritten like any Error', () => {
    const error = RpcError.from(400, 'X')
    error.message = 'custom'
    expect(error.message).toBe('custom')
  })
})
