import { describe, expect, it } from 'vitest'
import { RpcError } from '../../src/index.js'

/**
 * The error objects of the real GramJS and mtcute packages, built by their own code from an
 * rpc_error, convert without losing the type or the parameter.
 */
describe('errors of other libraries', () => {
  it('GramJS: RPCMessageToError output, including the classes that replace the message', async () => {
    const { RPCMessageToError } = await import('telegram/errors/index.js')
    const cases: Array<[number, string, string, Record<string, number>]> = [
      [420, 'FLOOD_WAIT_42', 'FLOOD_WAIT_%d', { seconds: 42 }],
      [420, 'SLOWMODE_WAIT_9', 'SLOWMODE_WAIT_%d', { seconds: 9 }],
      [303, 'USER_MIGRATE_2', 'USER_MIGRATE_%d', { dcId: 2 }],
      [303, 'PHONE_MIGRATE_5', 'PHONE_MIGRATE_%d', { dcId: 5 }],
      [303, 'FILE_MIGRATE_4', 'FILE_MIGRATE_%d', { dcId: 4 }],
      [303, 'NETWORK_MIGRATE_1', 'NETWORK_MIGRATE_%d', { dcId: 1 }],
      [400, 'PHONE_NUMBER_INVALID', 'PHONE_NUMBER_INVALID', {}],
      [500, 'INTERDC_2_CALL_ERROR', 'INTERDC_%d_CALL_ERROR', { dcId: 2 }],
    ]
    for (const [code, message, template, params] of cases) {
      const theirs = RPCMessageToError(
        { errorCode: code, errorMessage: message } as never,
        {
          className: 'messages.SendMessage',
        } as never,
      )
      const ours = RpcError.from(theirs as never)
      expect(ours.template, message).toBe(template)
      expect(ours.params).toEqual(params)
      expect(ours.category).toBe(RpcError.from(code, message).category)
    }
  })

  it('mtcute: RpcError.fromTl output, whose text it rewrites to the template', async () => {
    const { tl } = await import('@mtcute/core')
    const cases: Array<[number, string]> = [
      [420, 'FLOOD_WAIT_42'],
      [303, 'STATS_MIGRATE_3'],
      [303, 'USER_MIGRATE_2'],
      [400, 'FILE_PART_7_MISSING'],
      [400, 'EMAIL_UNCONFIRMED_6'],
      [420, '2FA_CONFIRM_WAIT_60'],
      [401, 'AUTH_KEY_UNREGISTERED'],
    ]
    for (const [code, message] of cases) {
      const theirs = tl.RpcError.fromTl({ _: 'rpc_error', errorCode: code, errorMessage: message })
      const ours = RpcError.from(theirs as never)
      const direct = RpcError.from(code, message)
      expect(ours.errorMessage, message).toBe(message)
      expect(ours.template).toBe(direct.template)
      expect(ours.params).toEqual(direct.params)
    }
  })
})
