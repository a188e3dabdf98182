import fc from 'fast-check'
import Long from 'long'
import { describe, expect, it } from 'vitest'
import {
  encodeDestroyAuthKeyOk,
  encodeDestroySessionResult,
  encodeFutureSalts,
  encodeMsgsStateInfo,
  encodeNewSessionCreated,
  encodePong,
  encodeRpcAnswerUnknown,
} from '../../../src/testkit/mtproto/service-encoders.js'
import { TlCodec } from '../../../src/testkit/mtproto/tl-codec.js'

/** mtcute's own readers: what a real client makes of the bytes. */
const codec = TlCodec.shared()
const long = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })

function asLong(value: bigint): Long {
  return Long.fromString(value.toString())
}

describe('the service messages the server writes itself', () => {
  it('read back by mtcute as the objects they encode, for any ids and salts', () => {
    fc.assert(
      fc.property(long, long, long, (a, b, c) => {
        expect(codec.decode(encodePong(a, b))).toEqual({ _: 'mt_pong', msgId: asLong(a), pingId: asLong(b) })
        expect(codec.decode(encodeNewSessionCreated(a, b, c))).toEqual({
          _: 'mt_new_session_created',
          firstMsgId: asLong(a),
          uniqueId: asLong(b),
          serverSalt: asLong(c),
        })
        expect(codec.decode(encodeDestroySessionResult(a, true))).toEqual({
          _: 'mt_destroy_session_ok',
          sessionId: asLong(a),
        })
        expect(codec.decode(encodeDestroySessionResult(a, false))).toEqual({
          _: 'mt_destroy_session_none',
          sessionId: asLong(a),
        })
      }),
      { numRuns: 100 },
    )
  })

  it('writes future_salts with a bare vector of bare future_salt, as the schema says', () => {
    const salt = fc.record({ salt: long, validSince: int32, validUntil: int32 })
    fc.assert(
      fc.property(long, int32, fc.array(salt, { maxLength: 64 }), (reqMsgId, now, salts) => {
        const bytes = encodeFutureSalts(reqMsgId, now, salts)
        expect(bytes.length).toBe(20 + 16 * salts.length)
        // mtcute 0.30 reads the bare items without their constructor name.
        expect(codec.decode(bytes)).toEqual({
          _: 'mt_future_salts',
          reqMsgId: asLong(reqMsgId),
          now,
          salts: salts.map((s) => ({
            _: 'mt_future_salt',
            validSince: s.validSince,
            validUntil: s.validUntil,
            salt: asLong(s.salt),
          })),
        })
      }),
      { numRuns: 100 },
    )
  })

  it('writes msgs_state_info with one status byte per message, and the field-less answers', () => {
    fc.assert(
      fc.property(long, fc.uint8Array({ maxLength: 600 }), (reqMsgId, info) => {
        expect(codec.decode(encodeMsgsStateInfo(reqMsgId, info))).toEqual({
          _: 'mt_msgs_state_info',
          reqMsgId: asLong(reqMsgId),
          info,
        })
      }),
      { numRuns: 100 },
    )
    expect(codec.decode(encodeDestroyAuthKeyOk())).toEqual({ _: 'mt_destroy_auth_key_ok' })
    expect(codec.decode(encodeRpcAnswerUnknown())).toEqual({ _: 'mt_rpc_answer_unknown' })
  })
})
