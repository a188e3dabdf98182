import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ByteQueue } from '../../src/testkit/byte-queue.js'
import { FrameReader, frame } from '../../src/testkit/plain/framing.js'

describe('ByteQueue', () => {
  it('holds exactly what was appended and not consumed, whatever the order of appends and consumes', () => {
    const step = fc.oneof(
      fc.record({ append: fc.uint8Array({ maxLength: 700 }) }),
      fc.record({ consume: fc.nat({ max: 900 }) }),
    )
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.integer({ min: 1, max: 2048 }),
        (steps, roomCapBytes) => {
          const queue = new ByteQueue(roomCapBytes)
          let model: number[] = []
          for (const s of steps) {
            if ('append' in s) {
              queue.append(s.append)
              model = [...model, ...s.append]
            } else {
              queue.consume(s.consume)
              model = model.slice(Math.min(model.length, s.consume))
            }
            expect([...queue.bytes()]).toEqual(model)
            expect(queue.length).toBe(model.length)
            // An emptied queue lets a large room go, so an idle connection keeps little.
            if (model.length === 0) expect(queue.retainedBytes).toBeLessThanOrEqual(64 * 1024)
          }
        },
      ),
    )
  })
})

describe('FrameReader', () => {
  it('returns the same packets for any split of a stream into chunks', () => {
    const packet = fc
      .integer({ min: 1, max: 64 })
      .chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 }))
    fc.assert(
      fc.property(
        fc.array(packet, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (packets, cutsAnywhere) => {
          const stream = Buffer.concat(packets.map((p) => frame(p)))
          const cuts = [...new Set(cutsAnywhere.map((c) => c % stream.length))].sort((a, b) => a - b)
          const reader = new FrameReader(256)
          const out: Uint8Array[] = []
          let from = 0
          for (const cut of [...cuts, stream.length]) {
            out.push(...reader.push(stream.subarray(from, cut)))
            from = Math.max(from, cut)
          }
          expect(out.map((p) => [...p])).toEqual(packets.map((p) => [...p]))
          expect(reader.pending).toBe(0)
        },
      ),
    )
  })
})
