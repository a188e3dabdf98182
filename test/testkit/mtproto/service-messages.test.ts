import Long from 'long'
import { describe, expect, it } from 'vitest'
import { makeAuthKey } from '../../../src/testkit/mtproto/message-crypto.js'
import { answerServiceMessage } from '../../../src/testkit/mtproto/service-messages.js'
import { AuthKeyRecord } from '../../../src/testkit/mtproto/session.js'
import { TlCodec, type TlObject } from '../../../src/testkit/mtproto/tl-codec.js'
import { decodeMessages } from '../../../src/wire/index.js'

const codec = TlCodec.shared()
const MSG_ID = 0x6000_0000_0000_0004n

function setup() {
  const record = new AuthKeyRecord(makeAuthKey(new Uint8Array(256).fill(1)), 9n, undefined)
  const { session } = record.session(11n)
  const answer = (obj: TlObject) => answerServiceMessage({ record, session, msgId: MSG_ID, obj })
  return { record, session, answer }
}

/** The reply as mtcute reads it. */
function replyOf(answer: ReturnType<typeof answerServiceMessage>): TlObject {
  if (answer?.reply === undefined) throw new Error('no reply')
  return codec.decode(answer.reply)
}

describe('service messages', () => {
  it('answers ping and ping_delay_disconnect with pong, the latter also arming the disconnect', () => {
    const { answer } = setup()
    const ping = answer({ _: 'mt_ping', pingId: Long.fromInt(99) })
    expect(replyOf(ping)).toEqual({
      _: 'mt_pong',
      msgId: Long.fromString(MSG_ID.toString()),
      pingId: Long.fromInt(99),
    })
    expect(ping?.disconnectDelaySeconds).toBeUndefined()
    const delayed = answer({ _: 'mt_ping_delay_disconnect', pingId: Long.ONE, disconnectDelay: 75 })
    expect(replyOf(delayed)).toMatchObject({ _: 'mt_pong', pingId: Long.ONE })
    expect(delayed?.disconnectDelaySeconds).toBe(75)
  })

  it('moves the session acknowledgement forward with msgs_ack, never back, and sends nothing', () => {
    const { session, answer } = setup()
    expect(answer({ _: 'mt_msgs_ack', msgIds: [Long.fromInt(40), Long.fromInt(12)] })).toEqual({})
    expect(session.ackedUpTo).toBe(40n)
    answer({ _: 'mt_msgs_ack', msgIds: [Long.fromInt(20)] })
    expect(session.ackedUpTo).toBe(40n)
  })

  it('clamps get_future_salts to 1..64, starting with the current salt', () => {
    const { answer } = setup()
    const few = replyOf(answer({ _: 'mt_get_future_salts', num: 0 }))
    expect(few.salts).toHaveLength(1)
    expect((few.salts as { salt: Long }[])[0]!.salt).toEqual(Long.fromInt(9))
    expect(replyOf(answer({ _: 'mt_get_future_salts', num: 1000 })).salts).toHaveLength(64)
  })

  it('destroys another session but never its own, and answers which', () => {
    const { record, answer } = setup()
    record.session(12n)
    expect(replyOf(answer({ _: 'mt_destroy_session', sessionId: Long.fromInt(12) }))).toEqual({
      _: 'mt_destroy_session_ok',
      sessionId: Long.fromInt(12),
    })
    expect(record.sessions.has(12n)).toBe(false)
    expect(replyOf(answer({ _: 'mt_destroy_session', sessionId: Long.fromInt(11) }))._).toBe(
      'mt_destroy_session_none',
    )
    expect(record.sessions.has(11n)).toBe(true)
  })

  it('answers rpc_drop_answer with rpc_answer_unknown in an rpc_result, and marks destroy_auth_key', () => {
    const { answer } = setup()
    const dropped = answer({ _: 'mt_rpc_drop_answer', reqMsgId: Long.fromInt(8) })
    const [result] = decodeMessages(dropped?.reply ?? new Uint8Array(0))
    expect(result).toMatchObject({ kind: 'rpc_result', reqMsgId: MSG_ID, outcome: { ok: true } })
    if (result?.kind !== 'rpc_result' || !result.outcome.ok) return
    expect(codec.decode(result.outcome.body)).toEqual({ _: 'mt_rpc_answer_unknown' })
    const destroy = answer({ _: 'mt_destroy_auth_key' })
    expect(destroy?.destroyAuthKey).toBe(true)
    expect(replyOf(destroy)).toEqual({ _: 'mt_destroy_auth_key_ok' })
  })

  it('answers msgs_state_req with "received" for every id, and leaves API calls alone', () => {
    const { answer } = setup()
    const info = replyOf(answer({ _: 'mt_msgs_state_req', msgIds: [Long.ONE, Long.ONE, Long.ONE] }))
    expect(info).toEqual({
      _: 'mt_msgs_state_info',
      reqMsgId: Long.fromString(MSG_ID.toString()),
      info: Uint8Array.of(4, 4, 4),
    })
    expect(answer({ _: 'help.getConfig' })).toBeUndefined()
  })
})
