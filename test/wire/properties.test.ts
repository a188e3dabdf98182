import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DecodeError, decodeMessages, decodeRpcResult } from '../../src/index.js'
import {
  describeBytes,
  encodeBadMsgNotification,
  encodeBadServerSalt,
  encodeGzipPacked,
  encodeMsgContainer,
  encodeRpcError,
  encodeRpcResult,
  TlReader,
  TlWriter,
} from '../../src/wire/index.js'
import { concat } from './hex.js'

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
const long = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
/** Any code point (lone surrogates excluded: UTF-8 cannot carry them) and any grapheme. */
const message = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme' }))

/** Runs `decode` and fails the property if it throws anything but a DecodeError. */
function onlyDecodeErrors(decode: () => unknown): void {
  try {
    decode()
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error
    expect(error.offset).toBeGreaterThanOrEqual(0)
  }
}

describe('encode then decode is the identity', () => {
  it('for rpc_result carrying rpc_error, plain or gzipped', () => {
    fc.assert(
      fc.property(long, int32, message, fc.boolean(), (reqMsgId, code, text, gzip) => {
        const error = encodeRpcError(code, text)
        const decoded = decodeRpcResult(encodeRpcResult(reqMsgId, gzip ? encodeGzipPacked(error) : error))
        expect(decoded.reqMsgId).toBe(reqMsgId)
        expect(decoded.outcome.ok).toBe(false)
        if (decoded.outcome.ok) return
        expect(decoded.outcome.error.code).toBe(code)
        expect(decoded.outcome.error.errorMessage).toBe(text)
        expect(decoded.outcome.gzipped).toBe(gzip)
      }),
    )
  })

  it('for TL values of every length form', () => {
    const lengths = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(253, 254, 255, 65_535, 70_000))
    fc.assert(
      fc.property(int32, long, lengths, fc.integer({ min: 0, max: 255 }), (i, l, length, fill) => {
        const value = new Uint8Array(length).fill(fill)
        const bytes = new TlWriter().int(i).bytes(value).long(l).finish()
        expect(bytes.length % 4).toBe(0)
        const reader = new TlReader(bytes)
        expect(reader.int()).toBe(i)
        const read = reader.bytes()
        expect(read.length).toBe(length)
        expect(read.every((byte) => byte === fill)).toBe(true)
        expect(reader.long()).toBe(l)
        reader.expectEnd('values')
      }),
    )
  })

  it('for containers of mixed messages', () => {
    const body = fc.oneof(
      fc
        .tuple(long, int32, message)
        .map(([id, code, text]) => encodeRpcResult(id, encodeRpcError(code, text))),
      fc
        .tuple(long, int32, int32)
        .map(([badMsgId, badMsgSeqno, errorCode]) =>
          encodeBadMsgNotification({ badMsgId, badMsgSeqno, errorCode }),
        ),
      fc
        .tuple(long, int32, long)
        .map(([badMsgId, badMsgSeqno, newServerSalt]) =>
          encodeBadServerSalt({ badMsgId, badMsgSeqno, newServerSalt }),
        ),
    )
    const messages = fc.array(fc.record({ msgId: long, seqNo: int32, body }), { maxLength: 20 })
    fc.assert(
      fc.property(messages, (list) => {
        const decoded = decodeMessages(encodeMsgContainer(list))
        expect(decoded.map((m) => [m.msgId, m.seqNo])).toEqual(list.map((m) => [m.msgId, m.seqNo]))
        expect(decoded.every((m) => m.kind !== 'invalid' && m.kind !== 'other')).toBe(true)
      }),
    )
  })
})

describe('bad bytes only ever raise DecodeError', () => {
  const known = fc.constantFrom(0xf35c6d01, 0x2144ca19, 0x3072cfa1, 0x73f1f8dc, 0xa7eff811, 0xedab447b)

  it('for arbitrary bytes, bare or behind a known constructor id', () => {
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(known, fc.uint8Array({ maxLength: 200 }))
        .map(([id, rest]) => concat(new TlWriter().int(id).finish(), rest)),
    )
    fc.assert(
      fc.property(input, (bytes) => {
        onlyDecodeErrors(() => decodeRpcResult(bytes))
        onlyDecodeErrors(() => decodeMessages(bytes))
        expect(typeof describeBytes(bytes)).toBe('string')
      }),
      { numRuns: 2000 },
    )
  })

  it('for valid frames with bytes changed, cut or inserted', () => {
    const frame = encodeMsgContainer([
      {
        msgId: 5n,
        seqNo: 1,
        body: encodeRpcResult(3n, encodeGzipPacked(encodeRpcError(420, 'FLOOD_WAIT_9'))),
      },
      { msgId: 9n, seqNo: 2, body: encodeRpcResult(4n, encodeRpcError(303, 'FILE_MIGRATE_2')) },
      {
        msgId: 13n,
        seqNo: 3,
        body: encodeBadServerSalt({ badMsgId: 4n, badMsgSeqno: 2, newServerSalt: 99n }),
      },
    ])
    const edit = fc.oneof(
      fc
        .record({ at: fc.nat(frame.length - 1), value: fc.integer({ min: 0, max: 255 }) })
        .map(({ at, value }) => {
          const copy = frame.slice()
          copy[at] = value
          return copy
        }),
      fc.nat(frame.length).map((length) => frame.slice(0, length)),
      fc
        .record({ at: fc.nat(frame.length), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) })
        .map(({ at, extra }) => concat(frame.subarray(0, at), extra, frame.subarray(at))),
    )
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 1 }), ([bytes]) => {
        onlyDecodeErrors(() => decodeMessages(bytes!))
        expect(typeof describeBytes(bytes!)).toBe('string')
      }),
      { numRuns: 2000 },
    )
  })
})
