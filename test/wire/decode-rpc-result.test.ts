import { describe, expect, it } from 'vitest'
import { decodeRpcResult, FloodError, RpcError, SeeOtherError } from '../../src/index.js'
import { encodeGzipPacked, encodeRpcError, encodeRpcResult, TlWriter } from '../../src/wire/index.js'
import { failure } from './decode-fixtures.js'
import { concat, fromHex } from './hex.js'

const REQ = 0x5f3a_1b2c_0000_0004n

describe('decodeRpcResult', () => {
  it('decodes known bytes of an rpc_result carrying FLOOD_WAIT_42', () => {
    // rpc_result, req_msg_id 1, rpc_error 420 "FLOOD_WAIT_42"
    const bytes = fromHex('016d5cf3 0100000000000000 19ca4421 a4010000 0d464c4f4f445f574149545f3432 0000')
    const { reqMsgId, outcome } = decodeRpcResult(bytes)
    expect(reqMsgId).toBe(1n)
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.error).toBeInstanceOf(FloodError)
    expect(outcome.error.code).toBe(420)
    expect(outcome.error.errorMessage).toBe('FLOOD_WAIT_42')
    expect((outcome.error as FloodError).seconds).toBe(42)
    expect(outcome.gzipped).toBe(false)
  })

  it('builds the error through the error model (category class, params)', () => {
    const { outcome } = decodeRpcResult(encodeRpcResult(REQ, encodeRpcError(303, 'USER_MIGRATE_4')))
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.error).toBeInstanceOf(SeeOtherError)
    expect((outcome.error as SeeOtherError).dcId).toBe(4)
  })

  it('keeps negative codes and empty messages as they are', () => {
    const { outcome } = decodeRpcResult(encodeRpcResult(REQ, encodeRpcError(-503, '')))
    if (outcome.ok) throw new Error('expected an error')
    expect(outcome.error.code).toBe(-503)
    expect(outcome.error.errorMessage).toBe('')
  })

  it('returns any other result as a view of its bytes', () => {
    const result = new TlWriter().constructorId(0x997275b5).finish()
    const bytes = encodeRpcResult(REQ, result)
    const { reqMsgId, outcome } = decodeRpcResult(bytes)
    expect(reqMsgId).toBe(REQ)
    if (!outcome.ok) throw new Error('expected a result')
    expect(Array.from(outcome.body)).toEqual(Array.from(result))
    expect(outcome.body.buffer).toBe(bytes.buffer)
    expect(outcome.gzipped).toBe(false)
  })

  it('recognises a gzip-wrapped rpc_error as an error, not a result', () => {
    const bytes = encodeRpcResult(REQ, encodeGzipPacked(encodeRpcError(420, 'FLOOD_WAIT_7')))
    const { outcome } = decodeRpcResult(bytes)
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(RpcError.is(outcome.error, 'FLOOD_WAIT_%d')).toBe(true)
    expect(outcome.gzipped).toBe(true)
  })

  it('inflates a gzip-wrapped result for the caller', () => {
    const result = new TlWriter().constructorId(0x1cb5c415).int(1).string('x'.repeat(500)).finish()
    const { outcome } = decodeRpcResult(encodeRpcResult(REQ, encodeGzipPacked(result)))
    if (!outcome.ok) throw new Error('expected a result')
    expect(Array.from(outcome.body)).toEqual(Array.from(result))
    expect(outcome.gzipped).toBe(true)
  })

  it('reads a message in the 254 length form', () => {
    const message = `INPUT_${'A'.repeat(400)}`
    const { outcome } = decodeRpcResult(encodeRpcResult(REQ, encodeRpcError(400, message)))
    if (outcome.ok) throw new Error('expected an error')
    expect(outcome.error.errorMessage).toBe(message)
  })

  // Buffer is Node's (Bun and Deno define it too); a browser has none to pass.
  it.skipIf(typeof Buffer === 'undefined')('accepts a Buffer, which is a Uint8Array', () => {
    const bytes = Buffer.from(encodeRpcResult(REQ, encodeRpcError(400, 'PEER_ID_INVALID')))
    expect(decodeRpcResult(bytes).reqMsgId).toBe(REQ)
  })

  it('gives offsets relative to a view that starts inside a larger buffer', () => {
    const frame = encodeRpcResult(REQ, encodeGzipPacked(encodeRpcError(420, 'FLOOD_WAIT_1').subarray(0, 10)))
    const big = new Uint8Array(frame.length + 100)
    big.set(frame, 60)
    const error = failure(() => decodeRpcResult(big.subarray(60, 60 + frame.length)))
    expect(error).toMatchObject({ reason: 'truncated', offset: 12, inflatedOffset: 8 })
    const corrupt = big.slice(60, 60 + frame.length)
    corrupt[17] = 0
    const moved = new Uint8Array(corrupt.length + 8)
    moved.set(corrupt, 8)
    expect(failure(() => decodeRpcResult(moved.subarray(8)))).toMatchObject({
      reason: 'inflate-failed',
      offset: 17,
    })
  })

  it('rejects anything that is not an rpc_result', () => {
    const error = failure(() => decodeRpcResult(encodeRpcError(400, 'X')))
    expect(error).toMatchObject({ reason: 'unknown-constructor', offset: 0 })
  })

  it('reports every truncation of an error frame as truncated, never as a RangeError', () => {
    const bytes = encodeRpcResult(REQ, encodeRpcError(420, 'FLOOD_WAIT_42'))
    for (let length = 0; length < bytes.length; length++) {
      const error = failure(() => decodeRpcResult(bytes.subarray(0, length)))
      expect(error.reason).toBe('truncated')
      expect(error.offset).toBeLessThanOrEqual(length)
    }
  })

  it('rejects bytes left after the rpc_error', () => {
    const bytes = concat(encodeRpcResult(REQ, encodeRpcError(420, 'FLOOD_WAIT_42')), new Uint8Array(4))
    expect(failure(() => decodeRpcResult(bytes)).reason).toBe('trailing-bytes')
  })

  it('rejects gzip_packed inside gzip_packed, with both offsets', () => {
    const inner = encodeGzipPacked(encodeRpcError(420, 'FLOOD_WAIT_1'))
    const error = failure(() => decodeRpcResult(encodeRpcResult(REQ, encodeGzipPacked(inner))))
    expect(error.reason).toBe('nested-gzip')
    expect(error.offset).toBe(12)
    expect(error.inflatedOffset).toBe(0)
  })

  it('points into the inflated data when the gzipped rpc_error is truncated', () => {
    const error = failure(() =>
      decodeRpcResult(
        encodeRpcResult(REQ, encodeGzipPacked(encodeRpcError(420, 'FLOOD_WAIT_1').subarray(0, 10))),
      ),
    )
    expect(error).toMatchObject({ reason: 'truncated', offset: 12, inflatedOffset: 8 })
    expect(error.message).toContain('of the gzip_packed data at offset 12')
  })

  it('honours maxInflatedBytes', () => {
    const result = new Uint8Array(4096)
    const bytes = encodeRpcResult(REQ, encodeGzipPacked(result))
    expect(failure(() => decodeRpcResult(bytes, { maxInflatedBytes: 4095 })).reason).toBe(
      'too-large-after-inflate',
    )
    expect(decodeRpcResult(bytes, { maxInflatedBytes: 4096 }).outcome.ok).toBe(true)
  })

  it('honours maxFieldBytes', () => {
    const bytes = encodeRpcResult(REQ, encodeRpcError(400, 'A'.repeat(300)))
    expect(failure(() => decodeRpcResult(bytes, { maxFieldBytes: 299 }))).toMatchObject({
      reason: 'oversized',
      offset: 20,
    })
  })

  it('treats a wrong option as the caller error it is', () => {
    const bytes = encodeRpcResult(REQ, encodeRpcError(400, 'X'))
    expect(() => decodeRpcResult(bytes, { maxInflatedBytes: -1 })).toThrow(RangeError)
    expect(() => decodeRpcResult(bytes, { maxContainerMessages: 1.5 })).toThrow(RangeError)
  })
})
