import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { explain } from '../../src/catalog/index.js'
import { RpcError } from '../../src/error/index.js'

describe('explain', () => {
  it('fills in the parameters of a concrete message', () => {
    const e = explain('FLOOD_WAIT_30')
    expect(e).toMatchObject({ known: true, name: 'FLOOD_WAIT_%d', type: 'FLOOD_WAIT_30', code: 420 })
    expect(e.category).toBe('FLOOD')
    expect(e.values).toEqual({ seconds: 30 })
    expect(e.summary).toContain('30 seconds')
    expect(e.userMessage).toBe('Too many attempts. Please try again in 30 seconds.')
    expect(explain('FILE_PART_7_MISSING').values).toEqual({ part: 7 })
  })

  it('explains a bare template with the parameters marked', () => {
    const e = explain('FLOOD_WAIT_%d')
    expect(e.known).toBe(true)
    expect(e.type).toBeUndefined()
    expect(e.summary).toContain('<seconds>')
  })

  it('accepts error objects of every shape RpcError.from knows', () => {
    expect(explain(RpcError.from(303, 'USER_MIGRATE_2')).values).toEqual({ dcId: 2 })
    expect(explain({ errorCode: 400, errorMessage: 'PHONE_NUMBER_INVALID' }).field).toBe('phone_number')
    expect(explain({ error_code: 420, error_message: 'SLOWMODE_WAIT_5' }).values).toEqual({ seconds: 5 })
    expect(explain(new Error('AUTH_KEY_UNREGISTERED')).action).toBe('reauthorize')
  })

  it('takes the code from the argument, the error, a leading number or the entry', () => {
    expect(explain('PHONE_NUMBER_INVALID').code).toBe(400)
    expect(explain('PHONE_NUMBER_INVALID', 406)).toMatchObject({
      code: 406,
      category: 'INTERNAL',
      known: true,
    })
    expect(explain('406 PHONE_NUMBER_INVALID').code).toBe(406)
    expect(explain(RpcError.from(403, 'CHAT_WRITE_FORBIDDEN'), 400).code).toBe(400)
  })

  it('explains -503 Timeout, which has no type, from its code', () => {
    const e = explain(RpcError.from(-503, 'Timeout'))
    expect(e).toMatchObject({ known: false, name: 'Timeout', code: -503, action: 'retry', type: undefined })
    expect(explain('-503 Timeout').action).toBe('retry')
  })

  it('builds a fallback from the category and the field pattern for unknown types', () => {
    const e = explain('NICKNAME_INVALID', 400)
    expect(e).toMatchObject({ known: false, action: 'fix-input', field: 'nickname', category: 'BAD_REQUEST' })
    expect(e.userMessage).toBe('Please check the nickname and try again.')
    expect(explain('SOMETHING_NEW_FORBIDDEN').code).toBe(403)
    expect(explain('NEW_LIMIT_WAIT_12', 420)).toMatchObject({ action: 'wait', values: { seconds: 12 } })
    expect(explain('ANOTHER_MIGRATE_4', 303)).toMatchObject({ action: 'migrate', values: { dcId: 4 } })
    expect(explain('WEIRD_THING', 500).action).toBe('retry')
    expect(explain('WEIRD_THING').description).toContain('assumed')
  })

  it('never throws and never returns undefined (property)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.option(fc.integer(), { nil: undefined }), (input, code) => {
        const e = explain(input, code)
        expect(typeof e.summary).toBe('string')
        expect(typeof e.code).toBe('number')
      }),
    )
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom')
        },
      },
    )
    expect(explain(hostile).known).toBe(false)
  })
})
