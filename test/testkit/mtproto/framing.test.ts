import { crc32 } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  FrameCodec,
  FramingError,
  type FramingKind,
  MAX_FRAME_PAYLOAD,
} from '../../../src/testkit/mtproto/framing.js'

/** Client-side encoders, written from the transport spec (as the clients frame their packets). */
function clientStream(kind: FramingKind, payloads: Uint8Array[]): Uint8Array {
  const parts: Buffer[] = []
  if (kind === 'abridged') parts.push(Buffer.of(0xef))
  if (kind === 'intermediate') parts.push(Buffer.alloc(4, 0xee))
  if (kind === 'padded-intermediate') parts.push(Buffer.alloc(4, 0xdd))
  payloads.forEach((payload, seq) => {
    if (kind === 'abridged') {
      const words = payload.length / 4
      parts.push(
        words < 0x7f ? Buffer.of(words) : Buffer.of(0x7f, words & 0xff, (words >> 8) & 0xff, words >> 16),
      )
      parts.push(Buffer.from(payload))
    } else if (kind === 'full') {
      const head = Buffer.alloc(8)
      head.writeUInt32LE(payload.length + 12, 0)
      head.writeUInt32LE(seq, 4)
      const body = Buffer.concat([head, payload])
      const crc = Buffer.alloc(4)
      crc.writeUInt32LE(crc32(body))
      parts.push(body, crc)
    } else {
      const length = Buffer.alloc(4)
      length.writeUInt32LE(payload.length)
      parts.push(length, Buffer.from(payload))
    }
  })
  return new Uint8Array(Buffer.concat(parts))
}

const KINDS: FramingKind[] = ['abridged', 'intermediate', 'padded-intermediate', 'full']
const payload = fc
  .integer({ min: 1, max: 300 })
  .chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 }))

describe('FrameCodec', () => {
  it.each(KINDS)('detects %s from the first bytes and reads its packets, however they are split', (kind) => {
    fc.assert(
      fc.property(
        fc.array(payload, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (payloads, cuts) => {
          const stream = clientStream(kind, payloads)
          const points = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b)
          const codec = new FrameCodec()
          const got: Uint8Array[] = []
          let from = 0
          for (const to of [...points, stream.length]) {
            got.push(...codec.decode(stream.slice(from, to)))
            from = to
          }
          expect(codec.kind).toBe(kind)
          expect(got).toEqual(payloads)
        },
      ),
      { numRuns: 60 },
    )
  })

  it.each(KINDS)('frames answers in %s so that the same framing reads them back', (kind) => {
    const server = new FrameCodec()
    server.decode(clientStream(kind, [new Uint8Array(8)]))
    const reader = new FrameCodec()
    reader.kind = kind
    const answers = [new Uint8Array(8).fill(1), new Uint8Array(1024).fill(2)]
    const wire = answers.map((a) => server.encode(a))
    const decoded = reader.decode(new Uint8Array(Buffer.concat(wire)))
    // The padded transport appends 0..15 random bytes to each payload.
    expect(decoded.map((d, i) => d.subarray(0, answers[i]!.length))).toEqual(answers)
  })

  it('sends the transport error as a 4-byte payload of -404', () => {
    const codec = new FrameCodec()
    codec.decode(clientStream('intermediate', [new Uint8Array(4)]))
    expect([...codec.encodeTransportError(-404)]).toEqual([4, 0, 0, 0, 0x6c, 0xfe, 0xff, 0xff])
  })

  it('refuses TCPFull packets with a bad checksum, a skipped sequence number or a silly length', () => {
    const good = clientStream('full', [new Uint8Array(8), new Uint8Array(8)])
    const badCrc = good.slice()
    badCrc[10]! ^= 1
    expect(() => new FrameCodec().decode(badCrc)).toThrow(FramingError)
    const second = good.slice(20)
    expect(() => new FrameCodec().decode(second)).toThrow(/sequence/)
    expect(() => new FrameCodec().decode(Uint8Array.of(5, 0, 0, 0))).toThrow(FramingError)
  })

  it('refuses frames over the size limit instead of buffering them', () => {
    const huge = Buffer.alloc(8)
    huge.fill(0xee, 0, 4)
    huge.writeUInt32LE(MAX_FRAME_PAYLOAD + 4, 4)
    expect(() => new FrameCodec().decode(new Uint8Array(huge))).toThrow(FramingError)
  })

  it('never throws anything but FramingError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const codec = new FrameCodec()
        try {
          for (const chunk of chunks) codec.decode(chunk)
        } catch (error) {
          expect(error).toBeInstanceOf(FramingError)
        }
      }),
      { numRuns: 2000 },
    )
  })
})
