import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { admitMessage, checkClientMsgId } from '../../../src/testkit/mtproto/message-admission.js'
import { type ClientMessage, makeAuthKey } from '../../../src/testkit/mtproto/message-crypto.js'
import { AuthKeyRecord } from '../../../src/testkit/mtproto/session.js'
import { decodeMessages } from '../../../src/wire/index.js'

const NOW = 1_700_000_000
const SALT = 77n

/** A msg_id the client would make at `seconds`, plus `low` (a multiple of 4 when well-formed). */
function msgIdAt(seconds: number, low = 4): bigint {
  return (BigInt(seconds) << 32n) | BigInt(low)
}

function freshRecord(): AuthKeyRecord {
  return new AuthKeyRecord(makeAuthKey(new Uint8Array(256).fill(3)), SALT, undefined)
}

function message(fields: Partial<ClientMessage> = {}): ClientMessage {
  return { salt: SALT, sessionId: 5n, msgId: msgIdAt(NOW), seqNo: 1, body: new Uint8Array(4), ...fields }
}

describe('client msg_id checks', () => {
  it('answers 18 for any msg_id not divisible by 4, whatever its time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 2 ** 30 }),
        (seconds, low) => {
          const id = msgIdAt(seconds, low * 4 + 1 + (low % 3))
          expect(checkClientMsgId(id, NOW)).toBe(18)
        },
      ),
    )
  })

  it('answers 16 past 300 s behind the clock, 17 past 30 s ahead, nothing in between', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000, max: 10_000 }), (offset) => {
        const code = checkClientMsgId(msgIdAt(NOW + offset), NOW)
        expect(code).toBe(offset < -300 ? 16 : offset > 30 ? 17 : undefined)
      }),
    )
  })
})

describe('admitting a decrypted message', () => {
  // The record mints its salts from the clock: pinned, so NOW is also the record's time.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW * 1000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('accepts a good message once, creating its session, and calls the same msg_id again a replay', () => {
    const record = freshRecord()
    const first = admitMessage(record, message(), NOW)
    expect(first).toMatchObject({ kind: 'accept', sessionCreated: true })
    expect(record.sessions.has(5n)).toBe(true)
    expect(admitMessage(record, message(), NOW)).toEqual({ kind: 'replay' })
    expect(admitMessage(record, message({ msgId: msgIdAt(NOW, 8) }), NOW)).toMatchObject({
      kind: 'accept',
      sessionCreated: false,
    })
  })

  it('refuses a wrong salt with bad_server_salt carrying the current one, without creating the session', () => {
    const record = freshRecord()
    const refused = admitMessage(record, message({ salt: 1n, seqNo: 7 }), NOW)
    expect(refused).toMatchObject({ kind: 'refuse', reason: 'salt' })
    if (refused.kind !== 'refuse') return
    expect(decodeMessages(refused.reply)).toEqual([
      expect.objectContaining({
        kind: 'bad_server_salt',
        badMsgId: msgIdAt(NOW),
        badMsgSeqno: 7,
        errorCode: 48,
        newServerSalt: SALT,
      }),
    ])
    expect(record.sessions.size).toBe(0)
    // The corrected resend, under the same msg_id, is the session's first accepted message.
    expect(admitMessage(record, message(), NOW)).toMatchObject({ kind: 'accept', sessionCreated: true })
  })

  it('refuses a msg_id from the future with bad_msg_notification 17 before looking at the salt', () => {
    const record = freshRecord()
    const refused = admitMessage(record, message({ salt: 1n, msgId: msgIdAt(NOW + 60) }), NOW)
    expect(refused).toMatchObject({ kind: 'refuse', reason: 'msg-id' })
    if (refused.kind !== 'refuse') return
    expect(decodeMessages(refused.reply)).toEqual([
      expect.objectContaining({ kind: 'bad_msg_notification', badMsgId: msgIdAt(NOW + 60), errorCode: 17 }),
    ])
    expect(record.sessions.size).toBe(0)
  })
})
