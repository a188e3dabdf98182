import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decodeMessages, decodeRpcResult } from '../../src/index.js'
import {
  encodeGzipPacked,
  encodeMsgContainer,
  encodeRpcError,
  encodeRpcResult,
  inflateGzip,
} from '../../src/wire/index.js'
import { failure, packed, withTrailerSize } from './decode-fixtures.js'

const MiB = 1024 * 1024

describe('inflateGzip', () => {
  it('inflates what node:zlib compressed, small and large', () => {
    for (const size of [0, 1, 100, 70_000, 3 * MiB]) {
      const data = new Uint8Array(size).map((_, i) => (i * 31) % 251)
      const out = inflateGzip(new Uint8Array(gzipSync(data)), 16 * MiB)
      expect(out).toHaveLength(size)
      expect(Buffer.from(out).equals(Buffer.from(data))).toBe(true)
    }
  })

  it('skips the optional header fields (name, comment, extra, header CRC)', () => {
    const data = new TextEncoder().encode('hello gzip')
    const plain = new Uint8Array(gzipSync(data))
    const body = plain.subarray(10)
    const header = Uint8Array.from([0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3])
    const extras = Uint8Array.from([2, 0, 0xaa, 0xbb, 0x61, 0, 0x62, 0x63, 0, 0x12, 0x34])
    const full = new Uint8Array(header.length + extras.length + body.length)
    full.set(header)
    full.set(extras, header.length)
    full.set(body, header.length + extras.length)
    expect(new TextDecoder().decode(inflateGzip(full, MiB))).toBe('hello gzip')
  })

  it('refuses a bomb by its declared size before inflating anything', () => {
    const bomb = new Uint8Array(gzipSync(new Uint8Array(64 * MiB), { level: 9 }))
    const error = failure(() => inflateGzip(bomb, 16 * MiB))
    expect(error.reason).toBe('too-large-after-inflate')
  })

  it('stops a bomb whose trailer lies, soon and without taking its memory', () => {
    const bomb = withTrailerSize(new Uint8Array(gzipSync(new Uint8Array(64 * MiB), { level: 9 })), 10)
    const before = process.memoryUsage().arrayBuffers
    const started = performance.now()
    const error = failure(() => inflateGzip(bomb, 16 * MiB))
    const elapsed = performance.now() - started
    expect(error.reason).toBe('too-large-after-inflate')
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MiB)
    expect(elapsed).toBeLessThan(2000)
  })

  it('refuses a small input whose trailer understates its size', () => {
    const gzip = withTrailerSize(new Uint8Array(gzipSync(new Uint8Array(1000))), 10)
    expect(failure(() => inflateGzip(gzip, MiB)).reason).toBe('inflate-failed')
  })

  it('refuses a trailer that overstates the size', () => {
    const gzip = withTrailerSize(new Uint8Array(gzipSync(new Uint8Array(1000))), 2000)
    expect(failure(() => inflateGzip(gzip, MiB)).reason).toBe('inflate-failed')
  })

  it('reports bad magic, bad method, reserved flags, truncation and corrupt data', () => {
    const good = new Uint8Array(gzipSync(new TextEncoder().encode('some text to compress, some text')))
    const change = (at: number, value: number) => {
      const copy = good.slice()
      copy[at] = value
      return copy
    }
    expect(failure(() => inflateGzip(change(0, 0), MiB))).toMatchObject({
      reason: 'inflate-failed',
      offset: 0,
    })
    expect(failure(() => inflateGzip(change(2, 7), MiB))).toMatchObject({
      reason: 'inflate-failed',
      offset: 2,
    })
    expect(failure(() => inflateGzip(change(3, 0x80), MiB))).toMatchObject({
      reason: 'inflate-failed',
      offset: 3,
    })
    expect(failure(() => inflateGzip(good.subarray(0, 12), MiB)).reason).toBe('truncated')
    const cut = good.slice(0, 14)
    const corrupt = new Uint8Array(cut.length + 8)
    corrupt.set(cut)
    expect(failure(() => inflateGzip(corrupt, MiB)).reason).toBe('inflate-failed')
    expect(failure(() => inflateGzip(change(10, 0xff), MiB)).reason).toBe('inflate-failed')
  })
})

describe('gzip inside the decoders', () => {
  it('puts errors of the gzip data at the caller offset of that data', () => {
    const gzip = new Uint8Array(gzipSync(new Uint8Array(8)))
    gzip[0] = 0
    const error = failure(() => decodeRpcResult(encodeRpcResult(1n, packed(gzip))))
    expect(error).toMatchObject({ reason: 'inflate-failed', offset: 12 + 4 + 1 })
  })

  it('shares one inflate budget among all the messages of a container', () => {
    const big = encodeRpcResult(1n, encodeGzipPacked(new Uint8Array(3 * MiB)))
    const messages = Array.from({ length: 8 }, (_, i) => ({
      msgId: BigInt(i * 4 + 1),
      seqNo: i * 2 + 1,
      body: big,
    }))
    const decoded = decodeMessages(encodeMsgContainer(messages), { maxInflatedBytes: 16 * MiB })
    const kinds = decoded.map((message) => message.kind)
    expect(kinds.slice(0, 5)).toEqual(Array(5).fill('rpc_result'))
    expect(kinds.slice(5)).toEqual(Array(3).fill('invalid'))
    const last = decoded[7]!
    expect(last.kind === 'invalid' && last.error.reason).toBe('too-large-after-inflate')
    expect(last.kind === 'invalid' && last.reqMsgId).toBe(1n)
  })

  it('uses an injected inflater, and wraps what it throws', () => {
    const bytes = encodeRpcResult(5n, encodeGzipPacked(encodeRpcError(420, 'FLOOD_WAIT_3')))
    const zlib = (data: Uint8Array, maxBytes: number) =>
      new Uint8Array(gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) }))
    const { outcome } = decodeRpcResult(bytes, { inflate: zlib })
    expect(outcome.ok).toBe(false)
    const error = failure(() =>
      decodeRpcResult(bytes, {
        inflate: () => {
          throw new Error('boom')
        },
      }),
    )
    expect(error.reason).toBe('inflate-failed')
    expect((error.cause as Error).message).toBe('boom')
  })

  it('refuses the output of an injected inflater that ignores the limit', () => {
    const bytes = encodeRpcResult(5n, encodeGzipPacked(new Uint8Array(100)))
    const error = failure(() =>
      decodeRpcResult(bytes, { maxInflatedBytes: 50, inflate: () => new Uint8Array(100) }),
    )
    expect(error.reason).toBe('too-large-after-inflate')
  })
})
