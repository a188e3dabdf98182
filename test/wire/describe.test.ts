import { describe, expect, it } from 'vitest'
import {
  describeBytes,
  encodeBadMsgNotification,
  encodeBadServerSalt,
  encodeGzipPacked,
  encodeMsgContainer,
  encodeRpcError,
  encodeRpcResult,
  encodeTransportError,
  parseHex,
  TlWriter,
} from '../../src/wire/index.js'

describe('describeBytes', () => {
  it('describes an rpc_error with its class, category and parameters', () => {
    const text = describeBytes(encodeRpcResult(77n, encodeRpcError(420, 'FLOOD_WAIT_30')))
    expect(text).toBe(
      [
        'rpc_result for req_msg_id 77',
        '  rpc_error 420 FLOOD_WAIT_30 (FloodError, category FLOOD, template FLOOD_WAIT_%d, seconds=30)',
      ].join('\n'),
    )
  })

  it('describes a container message by message', () => {
    const text = describeBytes(
      encodeMsgContainer([
        {
          msgId: 5n,
          seqNo: 1,
          body: encodeRpcResult(3n, encodeGzipPacked(encodeRpcError(400, 'PEER_ID_INVALID'))),
        },
        { msgId: 9n, seqNo: 2, body: encodeRpcResult(4n, new TlWriter().constructorId(0x997275b5).finish()) },
        {
          msgId: 13n,
          seqNo: 3,
          body: encodeBadServerSalt({ badMsgId: 4n, badMsgSeqno: 2, newServerSalt: 99n }),
        },
        {
          msgId: 17n,
          seqNo: 4,
          body: encodeBadMsgNotification({ badMsgId: 8n, badMsgSeqno: 3, errorCode: 16 }),
        },
        { msgId: 21n, seqNo: 5, body: new Uint8Array(4) },
      ]),
    )
    expect(text).toContain('msg_container: 5 messages')
    expect(text).toContain('[1] msg_id 5 seqno 1')
    expect(text).toContain('rpc_error (gzipped) 400 PEER_ID_INVALID (BadRequestError, category BAD_REQUEST)')
    expect(text).toContain('result: boolTrue #997275b5, 4 bytes')
    expect(text).toContain('new server salt: 99')
    expect(text).toContain('action: resend-with-new-salt')
    expect(text).toContain('error code 16: msg_id too low')
    expect(text).toContain('action: sync-clock-and-resend')
    expect(text).toContain('object #00000000, 4 bytes')
  })

  it('describes a transport error', () => {
    expect(describeBytes(encodeTransportError(-429))).toMatch(/^transport error -429: transport flood/)
  })

  it('prints the reason, offset and nearby bytes of bad input instead of throwing', () => {
    const bytes = encodeRpcResult(1n, encodeRpcError(420, 'FLOOD_WAIT_30')).subarray(0, 22)
    const text = describeBytes(bytes)
    expect(text).toContain('cannot decode: truncated at offset 20')
    expect(text).toMatch(/bytes 12\.\.22: 19 ca 44 21/)
    expect(describeBytes(new Uint8Array(0))).toContain('cannot decode: truncated at offset 0')
  })

  it('describes an invalid message inside a container', () => {
    const broken = encodeRpcResult(12n, encodeRpcError(420, 'FLOOD_WAIT_30')).subarray(0, 16)
    const text = describeBytes(encodeMsgContainer([{ msgId: 1n, seqNo: 1, body: broken }]))
    expect(text).toContain('invalid message (rpc_result for req_msg_id 12)')
    expect(text).toContain('cannot decode: truncated at offset 40')
    expect(text).toContain('bytes 32..40: 00 00 00 00 19 ca 44 21')
  })

  it('escapes control characters from the server', () => {
    const text = describeBytes(encodeRpcResult(1n, encodeRpcError(400, 'BAD\u001b[2J\u009b')))
    expect(text).toContain('BAD\\u001b[2J\\u009b')
    expect(text).not.toContain('\u001b')
  })
})

describe('parseHex', () => {
  it('reads hex with spaces, newlines, colons, commas and 0x prefixes', () => {
    expect(Array.from(parseHex('01 6D5cf3\n0x0a,0xFF:10'))).toEqual([
      0x01, 0x6d, 0x5c, 0xf3, 0x0a, 0xff, 0x10,
    ])
    expect(Array.from(parseHex('0x016d5cf3'))).toEqual([0x01, 0x6d, 0x5c, 0xf3])
    expect(parseHex('  ')).toHaveLength(0)
  })

  it('names the first bad character and where it is', () => {
    expect(() => parseHex('01 0g')).toThrow(/"g" at position 4 is not a hex digit/)
    expect(() => parseHex('a0x1')).toThrow(/"x" at position 2/)
    expect(() => parseHex('01 0')).toThrow(SyntaxError)
  })

  it('reports an odd number of digits', () => {
    expect(() => parseHex('abc')).toThrow(/odd number of hex digits \(3\)/)
  })

  it('round-trips with describeBytes input from the CLI', () => {
    const bytes = encodeRpcResult(1n, encodeRpcError(303, 'USER_MIGRATE_2'))
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')
    expect(describeBytes(parseHex(hex))).toContain('SeeOtherError')
  })
})
