import { describe, expect, it } from 'vitest'
import { DecodeError } from '../../src/index.js'
import { TlReader } from '../../src/wire/index.js'
import { fromHex } from './hex.js'

function decodeErrorOf(read: () => unknown): DecodeError {
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError)
    return error as DecodeError
  }
  throw new Error('expected a DecodeError')
}

describe('TlReader numbers', () => {
  it('reads little-endian int, uint and long', () => {
    const reader = new TlReader(fromHex('ffffffff 19ca4421 0100000000000080 feffffffffffffff'))
    expect(reader.int()).toBe(-1)
    expect(reader.uint()).toBe(0x2144ca19)
    expect(reader.long()).toBe(-(2n ** 63n) + 1n)
    expect(reader.long()).toBe(-2n)
    expect(reader.remaining).toBe(0)
  })

  it('peeks without moving', () => {
    const reader = new TlReader(fromHex('016d5cf3'))
    expect(reader.peekUint()).toBe(0xf35c6d01)
    expect(reader.offset).toBe(0)
  })

  it('reports a short int or long as truncated, at the value', () => {
    const error = decodeErrorOf(() => {
      const reader = new TlReader(fromHex('01020304 050607'))
      reader.int()
      reader.long()
    })
    expect(error.reason).toBe('truncated')
    expect(error.offset).toBe(4)
  })

  it('respects an end before the data ends', () => {
    const reader = new TlReader(fromHex('0102030405060708'), 2, 6)
    expect(reader.int()).toBe(0x06050403)
    expect(() => reader.int()).toThrow(DecodeError)
  })
})

describe('TlReader bytes and strings', () => {
  it('reads the 1-byte length form with its padding', () => {
    const reader = new TlReader(fromHex('03616263 02686900'))
    expect(reader.string()).toBe('abc')
    expect(reader.string()).toBe('hi')
    expect(reader.offset).toBe(8)
  })

  it('reads the empty value as four bytes', () => {
    const reader = new TlReader(fromHex('00000000'))
    expect(reader.bytes()).toHaveLength(0)
    expect(reader.offset).toBe(4)
  })

  it('reads the 254 form with a 3-byte length', () => {
    const data = new Uint8Array(4 + 300)
    data.set([254, 300 & 0xff, 300 >> 8, 0])
    data.fill(7, 4)
    const value = new TlReader(data).bytes()
    expect(value).toHaveLength(300)
    expect(value.every((byte) => byte === 7)).toBe(true)
  })

  it('accepts the 254 form for a short value, as other readers do', () => {
    expect(new TlReader(fromHex('fe030000 616263 00')).string()).toBe('abc')
  })

  it('returns views, not copies', () => {
    const data = fromHex('03616263')
    const value = new TlReader(data).bytes()
    expect(value.buffer).toBe(data.buffer)
  })

  it('rejects a length byte of 255', () => {
    const error = decodeErrorOf(() => new TlReader(fromHex('ff000000')).bytes())
    expect(error.reason).toBe('bad-length')
    expect(error.offset).toBe(0)
  })

  it('rejects non-zero padding with the offset of the bad byte', () => {
    const error = decodeErrorOf(() => new TlReader(fromHex('02686901')).bytes())
    expect(error.reason).toBe('bad-padding')
    expect(error.offset).toBe(3)
  })

  it('rejects a value longer than the input as truncated', () => {
    const late = decodeErrorOf(() => {
      const reader = new TlReader(fromHex('00000000 0a616263'))
      reader.int()
      reader.string()
    })
    expect(late).toMatchObject({ reason: 'truncated', offset: 4 })
  })

  it('rejects a missing padding byte as truncated', () => {
    expect(decodeErrorOf(() => new TlReader(fromHex('026869')).bytes()).reason).toBe('truncated')
  })

  it('rejects a value above the field limit before looking for its data', () => {
    const error = decodeErrorOf(() => new TlReader(fromHex('feffffff'), 0, 4, 1024).bytes())
    expect(error.reason).toBe('oversized')
    expect(error.offset).toBe(0)
  })

  it('decodes invalid UTF-8 with replacement characters instead of throwing', () => {
    expect(new TlReader(fromHex('02c328 00')).string()).toBe('\ufffd(')
  })

  it('keeps a leading byte order mark', () => {
    expect(new TlReader(fromHex('03efbbbf')).string()).toBe('\ufeff')
  })
})

describe('TlReader checks', () => {
  it('names the expected and found constructor', () => {
    const error = decodeErrorOf(() =>
      new TlReader(fromHex('19ca4421')).expectConstructor(0xf35c6d01, 'rpc_result'),
    )
    expect(error.reason).toBe('unknown-constructor')
    expect(error.message).toContain('#f35c6d01')
    expect(error.message).toContain('#2144ca19')
  })

  it('treats a negative length from the caller as a bug, not as bad bytes', () => {
    expect(() => new TlReader(fromHex('00000000')).raw(-1)).toThrow(RangeError)
    expect(() => new TlReader(fromHex('00000000')).skip(1.5)).toThrow(RangeError)
  })

  it('reports trailing bytes with their offset', () => {
    const reader = new TlReader(fromHex('01000000 02000000'))
    reader.int()
    const error = decodeErrorOf(() => reader.expectEnd('thing'))
    expect(error).toMatchObject({ reason: 'trailing-bytes', offset: 4 })
  })
})
