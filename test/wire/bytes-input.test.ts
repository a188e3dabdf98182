import { gunzipSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeMessages, decodeRpcResult, decodeTransportError } from '../../src/index.js'
import {
  describeBytes,
  encodeGzipPacked,
  encodeRpcError,
  encodeRpcResult,
  encodeTransportError,
  inflateGzip,
} from '../../src/wire/index.js'
import { failure } from './decode-fixtures.js'

const rpcResult = encodeRpcResult(77n, encodeRpcError(420, 'FLOOD_WAIT_3'))

/** `bytes` copied into the middle of a larger buffer, so a view on it has a non-zero byteOffset. */
function embedded(bytes: Uint8Array, before = 12): ArrayBuffer {
  const buffer = new ArrayBuffer(before + bytes.length + 8)
  new Uint8Array(buffer, before).set(bytes)
  return buffer
}

/** Every form of the same bytes a platform may hand over. */
function forms(bytes: Uint8Array): Record<string, Uint8Array | ArrayBufferLike | ArrayBufferView> {
  const exact = bytes.slice().buffer
  const shared = new SharedArrayBuffer(bytes.length)
  new Uint8Array(shared).set(bytes)
  return {
    ArrayBuffer: exact,
    SharedArrayBuffer: shared,
    Buffer: Buffer.from(bytes),
    'Uint8Array with byteOffset': new Uint8Array(embedded(bytes), 12, bytes.length),
    'DataView with byteOffset': new DataView(embedded(bytes), 12, bytes.length),
    ...(bytes.length % 4 === 0 && {
      'Int32Array with byteOffset': new Int32Array(embedded(bytes), 12, bytes.length / 4),
    }),
  }
}

describe('wire entry points take bytes in any form', () => {
  it('decodes the same rpc_result from every form', () => {
    for (const [name, input] of Object.entries(forms(rpcResult))) {
      const { reqMsgId, outcome } = decodeRpcResult(input)
      expect(reqMsgId, name).toBe(77n)
      expect(outcome.ok ? undefined : outcome.error.type, name).toBe('FLOOD_WAIT_3')
      const [message] = decodeMessages(input)
      expect(message?.kind, name).toBe('rpc_result')
      expect(describeBytes(input), name).toContain('FLOOD_WAIT_3')
    }
  })

  it('reads transport errors and gzip from every form', () => {
    for (const [name, input] of Object.entries(forms(encodeTransportError(-404)))) {
      expect(decodeTransportError(input)?.code, name).toBe(-404)
    }
    const gzip = new Uint8Array(gzipSync('abc'))
    for (const [name, input] of Object.entries(forms(gzip))) {
      expect(new TextDecoder().decode(inflateGzip(input, 100)), name).toBe('abc')
    }
  })

  it('checks what an injected inflater returns like any input', () => {
    const gzipped = encodeRpcResult(1n, encodeGzipPacked(encodeRpcError(400, 'X')))
    const asArrayBuffer = (data: Uint8Array) => new Uint8Array(gunzipSync(data)).slice().buffer
    expect(decodeRpcResult(gzipped, { inflate: asArrayBuffer as never }).outcome.ok).toBe(false)
    for (const garbage of ['text', 42, null, { length: 4 }, new Proxy({}, { get: () => 1 })]) {
      const error = failure(() => decodeRpcResult(gzipped, { inflate: () => garbage as never }))
      expect(error.reason).toBe('inflate-failed')
      expect(error.message).toMatch(/DecodeOptions\.inflate: expected a Uint8Array/)
    }
  })

  it('rejects anything that is not bytes with a TypeError naming the function and the value', () => {
    expect(() => decodeMessages([1, 2, 3, 4] as never)).toThrow(
      /^decodeMessages: expected a Uint8Array, ArrayBuffer or ArrayBufferView, got an object of class Array$/,
    )
    expect(() => decodeRpcResult('00ff' as never)).toThrow(/decodeRpcResult: .* got a string "00ff"/)
    expect(() => decodeTransportError(null as never)).toThrow(/decodeTransportError: .* got null/)
    expect(() => describeBytes(undefined as never)).toThrow(/describeBytes: .* got undefined/)
  })

  it('rejects every non-bytes value, hostile ones included, with a TypeError and nothing else', () => {
    const revoked = Proxy.revocable(new Uint8Array(8), {})
    revoked.revoke()
    const hostile = [
      revoked.proxy,
      new Proxy(new Uint8Array(8), {}),
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap')
          },
          getPrototypeOf() {
            throw new Error('trap')
          },
        },
      ),
      Object.create(null),
      Object.freeze({ byteLength: 8, buffer: new ArrayBuffer(8) }),
    ]
    // Hostile values are drawn by index: fast-check itself probes the values it generates.
    const value = fc.oneof(
      fc.anything({ withBigInt: true, withMap: true, withSet: true }).map((plain) => () => plain),
      fc.integer({ min: 0, max: hostile.length - 1 }).map((index) => () => hostile[index]),
    )
    const entryPoints = [decodeMessages, decodeRpcResult, decodeTransportError, describeBytes] as const
    fc.assert(
      fc.property(value, fc.constantFrom(...entryPoints), (draw, decode) => {
        const input = draw()
        fc.pre(!ArrayBuffer.isView(input))
        expect(() => decode(input as never)).toThrow(TypeError)
      }),
    )
  })
})
