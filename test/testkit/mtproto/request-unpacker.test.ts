import { deflateSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { unpackRequests } from '../../../src/testkit/mtproto/request-unpacker.js'
import {
  CONSTRUCTOR_IDS,
  DecodeError,
  encodeGzipPacked,
  encodeMsgContainer,
  TlWriter,
} from '../../../src/wire/index.js'

/** A request body: a constructor id and some whole words. */
const requestBody = fc
  .tuple(fc.integer({ min: 1, max: 0xffffffff }), fc.uint8Array({ maxLength: 64 }))
  .filter(([id]) => !(Object.values(CONSTRUCTOR_IDS) as number[]).includes(id))
  .map(([id, data]) => new TlWriter().constructorId(id).bytes(data).finish())

/** gzip_packed in the format mtcute writes: zlib's deflate stream rather than gzip's. */
function zlibPacked(object: Uint8Array): Uint8Array {
  return new TlWriter().constructorId(CONSTRUCTOR_IDS.gzip_packed).bytes(deflateSync(object)).finish()
}

describe('unpacking a client message body', () => {
  it('gives a lone request back as it is, without a msg_id of its own', () => {
    fc.assert(
      fc.property(requestBody, (body) => {
        expect(unpackRequests(body)).toEqual({
          requests: [{ msgId: undefined, body }],
          container: false,
          gzipPacked: 0,
        })
      }),
    )
  })

  it('gives every message of a container, in order, with its msg_id, inflating gzip and zlib alike', () => {
    const item = fc.record({
      msgId: fc.bigInt({ min: 1n, max: 2n ** 62n }),
      body: requestBody,
      packing: fc.constantFrom('none', 'gzip', 'zlib'),
    })
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 20 }), (items) => {
        const container = encodeMsgContainer(
          items.map(({ msgId, body, packing }) => ({
            msgId,
            seqNo: 1,
            body: packing === 'gzip' ? encodeGzipPacked(body) : packing === 'zlib' ? zlibPacked(body) : body,
          })),
        )
        const unpacked = unpackRequests(container)
        expect(unpacked.requests).toEqual(items.map(({ msgId, body }) => ({ msgId, body })))
        expect(unpacked.container).toBe(true)
        expect(unpacked.gzipPacked).toBe(items.filter((i) => i.packing !== 'none').length)
      }),
      { numRuns: 100 },
    )
  })

  it('inflates a gzip_packed container as one gzip_packed, and counts an empty container', () => {
    const body = Uint8Array.of(1, 2, 3, 4)
    const container = encodeMsgContainer([{ msgId: 8n, seqNo: 1, body }])
    expect(unpackRequests(zlibPacked(container))).toEqual({
      requests: [{ msgId: 8n, body }],
      container: true,
      gzipPacked: 1,
    })
    expect(unpackRequests(encodeMsgContainer([]))).toEqual({ requests: [], container: true, gzipPacked: 0 })
  })

  it('throws DecodeError for a container in a container, a truncated one, and a request past 4 MiB inflated', () => {
    const inner = encodeMsgContainer([{ msgId: 4n, seqNo: 1, body: Uint8Array.of(1, 2, 3, 4) }])
    expect(() => unpackRequests(encodeMsgContainer([{ msgId: 8n, seqNo: 1, body: inner }]))).toThrow(
      DecodeError,
    )
    expect(() => unpackRequests(inner.subarray(0, inner.length - 4))).toThrow(DecodeError)
    const bomb = new TlWriter()
      .constructorId(CONSTRUCTOR_IDS.gzip_packed)
      .bytes(gzipSync(new Uint8Array(5 * 1024 * 1024)))
      .finish()
    expect(() => unpackRequests(bomb)).toThrow(DecodeError)
  })
})
