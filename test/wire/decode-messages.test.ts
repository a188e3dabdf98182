import { describe, expect, it } from 'vitest'
import { type DecodedMessage, decodeMessages, FloodError } from '../../src/index.js'
import {
  BAD_MSG_CODES,
  encodeBadMsgNotification,
  encodeBadServerSalt,
  encodeGzipPacked,
  encodeMsgContainer,
  encodeRpcError,
  encodeRpcResult,
  explainBadMsgCode,
  TlWriter,
} from '../../src/wire/index.js'
import { failure } from './decode-fixtures.js'
import { concat } from './hex.js'

const pong = new TlWriter().constructorId(0x347773c5).long(1n).long(2n).finish()

function only(messages: DecodedMessage[]): DecodedMessage {
  expect(messages).toHaveLength(1)
  return messages[0]!
}

describe('decodeMessages on a container', () => {
  it('returns every message, in order, an rpc_error in the middle included', () => {
    const bytes = encodeMsgContainer([
      {
        msgId: 101n,
        seqNo: 1,
        body: encodeRpcResult(11n, new TlWriter().constructorId(0x997275b5).finish()),
      },
      { msgId: 105n, seqNo: 3, body: encodeRpcResult(12n, encodeRpcError(420, 'FLOOD_WAIT_30')) },
      {
        msgId: 109n,
        seqNo: 5,
        body: encodeRpcResult(13n, encodeGzipPacked(encodeRpcError(400, 'PEER_ID_INVALID'))),
      },
      { msgId: 113n, seqNo: 6, body: pong },
    ])
    const messages = decodeMessages(bytes)
    expect(messages.map((m) => [m.kind, m.msgId, m.seqNo])).toEqual([
      ['rpc_result', 101n, 1],
      ['rpc_result', 105n, 3],
      ['rpc_result', 109n, 5],
      ['other', 113n, 6],
    ])
    const [first, second, third, fourth] = messages
    expect(first?.kind === 'rpc_result' && first.outcome.ok).toBe(true)
    expect(second?.kind === 'rpc_result' && !second.outcome.ok && second.outcome.error).toBeInstanceOf(
      FloodError,
    )
    expect(third?.kind === 'rpc_result' && !third.outcome.ok && third.outcome.error.errorMessage).toBe(
      'PEER_ID_INVALID',
    )
    expect(fourth?.kind === 'other' && fourth.constructorId).toBe(0x347773c5)
  })

  it('keeps the messages after one whose body is bad', () => {
    const broken = encodeRpcResult(12n, encodeRpcError(420, 'FLOOD_WAIT_30')).subarray(0, 16)
    const bytes = encodeMsgContainer([
      { msgId: 101n, seqNo: 1, body: broken },
      { msgId: 105n, seqNo: 3, body: encodeRpcResult(13n, encodeRpcError(500, 'INTERNAL')) },
    ])
    const [bad, good] = decodeMessages(bytes)
    expect(bad?.kind).toBe('invalid')
    if (bad?.kind !== 'invalid') return
    expect(bad.error.reason).toBe('truncated')
    expect(bad.reqMsgId).toBe(12n)
    expect(bad.msgId).toBe(101n)
    expect(good?.kind === 'rpc_result' && good.reqMsgId).toBe(13n)
  })

  it('gives offsets in the container bytes for an invalid message', () => {
    const body = new TlWriter().constructorId(0xf35c6d01).long(1n).constructorId(0x2144ca19).int(400).finish()
    const bytes = encodeMsgContainer([{ msgId: 1n, seqNo: 1, body }])
    const [message] = decodeMessages(bytes)
    expect(message?.kind === 'invalid' && message.error.offset).toBe(8 + 16 + 20)
  })

  it('rejects a nested container as invalid, keeping its siblings', () => {
    const inner = encodeMsgContainer([{ msgId: 1n, seqNo: 1, body: pong }])
    const [nested, sibling] = decodeMessages(
      encodeMsgContainer([
        { msgId: 5n, seqNo: 1, body: inner },
        { msgId: 9n, seqNo: 2, body: pong },
      ]),
    )
    expect(nested?.kind === 'invalid' && nested.error.reason).toBe('nested-container')
    expect(sibling?.kind).toBe('other')
  })

  it('rejects a container hidden in gzip_packed inside a container', () => {
    const hidden = encodeGzipPacked(encodeMsgContainer([{ msgId: 1n, seqNo: 1, body: pong }]))
    const [message] = decodeMessages(encodeMsgContainer([{ msgId: 5n, seqNo: 1, body: hidden }]))
    expect(message?.kind === 'invalid' && message.error).toMatchObject({
      reason: 'nested-container',
      offset: 24,
    })
  })

  it('accepts the empty container', () => {
    expect(decodeMessages(encodeMsgContainer([]))).toEqual([])
  })

  it('refuses a message length claiming 2 GB, before reading it', () => {
    const bytes = new TlWriter().constructorId(0x73f1f8dc).int(1).long(1n).int(1).int(0x7ffffffc).finish()
    expect(failure(() => decodeMessages(bytes))).toMatchObject({ reason: 'oversized', offset: 20 })
    const negative = new TlWriter().constructorId(0x73f1f8dc).int(1).long(1n).int(1).int(-4).finish()
    expect(failure(() => decodeMessages(negative)).reason).toBe('oversized')
  })

  it('refuses a length past the end, or not a multiple of 4', () => {
    const past = new TlWriter().constructorId(0x73f1f8dc).int(1).long(1n).int(1).int(64).raw(pong).finish()
    expect(failure(() => decodeMessages(past))).toMatchObject({ reason: 'truncated', offset: 24 })
    const odd = new TlWriter().constructorId(0x73f1f8dc).int(1).long(1n).int(1).int(3).int(0).finish()
    expect(failure(() => decodeMessages(odd))).toMatchObject({ reason: 'bad-length', offset: 20 })
  })

  it('refuses more messages than the limit (1024 by default), and counts the input cannot hold', () => {
    const many = new TlWriter().constructorId(0x73f1f8dc).int(1025).finish()
    expect(failure(() => decodeMessages(many))).toMatchObject({ reason: 'oversized', offset: 4 })
    const few = new TlWriter().constructorId(0x73f1f8dc).int(3).finish()
    expect(failure(() => decodeMessages(few, { maxContainerMessages: 2 })).reason).toBe('oversized')
    expect(failure(() => decodeMessages(few)).reason).toBe('truncated')
  })

  it('decodes the protocol maximum of 1024 messages', () => {
    const messages = Array.from({ length: 1024 }, (_, i) => ({ msgId: BigInt(i), seqNo: i, body: pong }))
    expect(decodeMessages(encodeMsgContainer(messages))).toHaveLength(1024)
  })

  it('refuses bytes after the last message', () => {
    const bytes = concat(encodeMsgContainer([{ msgId: 1n, seqNo: 1, body: pong }]), new Uint8Array(4))
    expect(failure(() => decodeMessages(bytes)).reason).toBe('trailing-bytes')
  })
})

describe('decodeMessages on a lone message', () => {
  it('decodes an rpc_result without envelope', () => {
    const message = only(decodeMessages(encodeRpcResult(7n, encodeRpcError(401, 'AUTH_KEY_UNREGISTERED'))))
    expect(message).toMatchObject({ kind: 'rpc_result', msgId: undefined, seqNo: undefined, reqMsgId: 7n })
  })

  it('unwraps a gzip_packed body and a gzip_packed container', () => {
    const message = only(decodeMessages(encodeGzipPacked(pong)))
    expect(message).toMatchObject({ kind: 'other', constructorId: 0x347773c5, gzipped: true })
    const container = encodeGzipPacked(encodeMsgContainer([{ msgId: 3n, seqNo: 1, body: pong }]))
    expect(decodeMessages(container)).toMatchObject([{ kind: 'other', msgId: 3n }])
  })

  it('throws for a bad lone body, as there is nothing else to keep', () => {
    expect(failure(() => decodeMessages(new Uint8Array(2))).reason).toBe('truncated')
    expect(failure(() => decodeMessages(encodeGzipPacked(encodeGzipPacked(pong)))).reason).toBe('nested-gzip')
  })
})

describe('service messages that fail a call', () => {
  it.each(Object.keys(BAD_MSG_CODES).map(Number))(
    'decodes bad_msg_notification code %i with its meaning',
    (code) => {
      const bytes = encodeBadMsgNotification({
        badMsgId: 0x6000_0000_0000_0004n,
        badMsgSeqno: 7,
        errorCode: code,
      })
      const message = only(decodeMessages(bytes))
      expect(message.kind).toBe('bad_msg_notification')
      if (message.kind !== 'bad_msg_notification') return
      expect(message).toMatchObject({ badMsgId: 0x6000_0000_0000_0004n, badMsgSeqno: 7, errorCode: code })
      expect(message.meaning).toBe(BAD_MSG_CODES[code]?.meaning)
      expect(message.action).toBe(BAD_MSG_CODES[code]?.action)
    },
  )

  it('recommends the documented actions', () => {
    expect(explainBadMsgCode(16).action).toBe('sync-clock-and-resend')
    expect(explainBadMsgCode(17).action).toBe('sync-clock-and-resend')
    expect(explainBadMsgCode(20).action).toBe('resend-with-new-msg-id')
    expect(explainBadMsgCode(32).action).toBe('reset-session-and-resend')
    expect(explainBadMsgCode(48).action).toBe('resend-with-new-salt')
    expect(explainBadMsgCode(64).action).toBe('resend-without-container')
  })

  it('explains undocumented codes by their group', () => {
    expect(explainBadMsgCode(21)).toMatchObject({ known: false, action: 'resend-with-new-msg-id' })
    expect(explainBadMsgCode(65)).toMatchObject({ known: false, action: 'resend-without-container' })
    expect(explainBadMsgCode(0)).toMatchObject({ known: false, action: 'reset-session-and-resend' })
    expect(explainBadMsgCode(-5).known).toBe(false)
  })

  it('decodes bad_server_salt with the new salt', () => {
    const bytes = encodeBadServerSalt({
      badMsgId: 44n,
      badMsgSeqno: 3,
      newServerSalt: -0x1234_5678_9abc_def0n,
    })
    expect(only(decodeMessages(bytes))).toMatchObject({
      kind: 'bad_server_salt',
      badMsgId: 44n,
      badMsgSeqno: 3,
      errorCode: 48,
      newServerSalt: -0x1234_5678_9abc_def0n,
      action: 'resend-with-new-salt',
    })
  })

  it('decodes service messages inside a container', () => {
    const bytes = encodeMsgContainer([
      {
        msgId: 1n,
        seqNo: 0,
        body: encodeBadServerSalt({ badMsgId: 44n, badMsgSeqno: 3, newServerSalt: 9n }),
      },
      {
        msgId: 5n,
        seqNo: 0,
        body: encodeBadMsgNotification({ badMsgId: 48n, badMsgSeqno: 5, errorCode: 17 }),
      },
    ])
    expect(decodeMessages(bytes).map((m) => m.kind)).toEqual(['bad_server_salt', 'bad_msg_notification'])
  })

  it('refuses a service message with bytes after it', () => {
    const bytes = concat(
      encodeBadMsgNotification({ badMsgId: 1n, badMsgSeqno: 1, errorCode: 16 }),
      new Uint8Array(4),
    )
    expect(failure(() => decodeMessages(bytes)).reason).toBe('trailing-bytes')
  })
})
