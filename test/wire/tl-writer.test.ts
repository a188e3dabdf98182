import { describe, expect, it } from 'vitest'
import { TlReader, TlWriter } from '../../src/wire/index.js'
import { toHex } from './hex.js'

describe('TlWriter', () => {
  it('writes numbers little-endian, constructor ids unsigned', () => {
    const bytes = new TlWriter()
      .constructorId(0xf35c6d01)
      .int(-1)
      .long(-2n)
      .long(2n ** 64n - 1n)
      .finish()
    expect(toHex(bytes)).toBe('016d5cf3ffffffff' + 'feffffffffffffff' + 'ffffffffffffffff')
  })

  it('chooses the length form by length: 253 short, 254 long', () => {
    const short = new TlWriter().bytes(new Uint8Array(253)).finish()
    expect(short[0]).toBe(253)
    expect(short).toHaveLength(256)
    const long = new TlWriter().bytes(new Uint8Array(254)).finish()
    expect(Array.from(long.subarray(0, 4))).toEqual([254, 254, 0, 0])
    expect(long).toHaveLength(260)
  })

  it('pads with zeros to a multiple of 4, even when reusing its buffer', () => {
    const writer = new TlWriter(16)
    writer.raw(new Uint8Array(16).fill(0xaa))
    writer.reset().string('a')
    expect(toHex(writer.finish())).toBe('01610000')
  })

  it('grows past its initial capacity', () => {
    const writer = new TlWriter(16)
    for (let i = 0; i < 1000; i++) writer.int(i)
    const reader = new TlReader(writer.finish())
    for (let i = 0; i < 1000; i++) expect(reader.int()).toBe(i)
  })

  it('writes the largest 3-byte length and refuses one more', () => {
    const max = new Uint8Array(0xffffff)
    expect(new TlWriter().bytes(max).size).toBe(0xffffff + 4 + 1)
    expect(() => new TlWriter().bytes(new Uint8Array(0x1000000))).toThrow(RangeError)
  })

  it('refuses numbers that do not fit', () => {
    expect(() => new TlWriter().int(2 ** 32)).toThrow(RangeError)
    expect(() => new TlWriter().int(-(2 ** 31) - 1)).toThrow(RangeError)
    expect(() => new TlWriter().int(1.5)).toThrow(RangeError)
    expect(() => new TlWriter().long(2n ** 64n)).toThrow(RangeError)
    expect(() => new TlWriter().long(-(2n ** 63n) - 1n)).toThrow(RangeError)
  })
})
