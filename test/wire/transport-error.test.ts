import { describe, expect, it } from 'vitest'
import { decodeTransportError, encodeTransportError, explainTransportError } from '../../src/wire/index.js'
import { fromHex } from './hex.js'

describe('transport errors', () => {
  it('recognises -404, -429 and -444 with their actions', () => {
    expect(decodeTransportError(fromHex('6cfeffff'))).toMatchObject({
      code: -404,
      action: 'recreate-auth-key',
      known: true,
    })
    expect(decodeTransportError(encodeTransportError(-429))).toMatchObject({
      action: 'back-off-and-reconnect',
    })
    expect(decodeTransportError(encodeTransportError(-444))).toMatchObject({ action: 'check-dc-id' })
    expect(decodeTransportError(encodeTransportError(-403))).toMatchObject({ action: 'do-not-retry' })
  })

  it('explains an undocumented code without failing', () => {
    expect(decodeTransportError(encodeTransportError(-500))).toMatchObject({ code: -500, known: false })
    expect(explainTransportError(-1).action).toBe('reconnect')
  })

  it('ignores anything but a 4-byte small negative number', () => {
    expect(decodeTransportError(fromHex('01000000'))).toBeUndefined()
    expect(decodeTransportError(fromHex('00000000'))).toBeUndefined()
    expect(decodeTransportError(fromHex('6cfeffff00000000'))).toBeUndefined()
    expect(decodeTransportError(new Uint8Array(0))).toBeUndefined()
    // A quick-ack token has its top bit set, so it reads as a large negative number.
    expect(decodeTransportError(fromHex('12345680'))).toBeUndefined()
  })

  it('encodes only negative int32 codes', () => {
    expect(Array.from(encodeTransportError(-404))).toEqual([0x6c, 0xfe, 0xff, 0xff])
    expect(() => encodeTransportError(404)).toThrow(RangeError)
    expect(() => encodeTransportError(-(2 ** 31) - 1)).toThrow(RangeError)
  })
})
