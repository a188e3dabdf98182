import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMemoryPaceStore } from '../../src/flood/memory-pace-store.js'
import type { PaceLimit } from '../../src/flood/pace-store.js'
import { burstViolation, limitsArb, PaceModel } from './pace-model.js'

describe("the memory pace store, also the Redis store's schedule while Redis is unreachable", () => {
  it('books exactly the slots of the model, whatever the order of calls and the time between them', () => {
    const catalogue = fc.sample(limitsArb, { numRuns: 1, seed: 7 })[0] as PaceLimit[]
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.subarray(catalogue, { minLength: 1 }), fc.integer({ min: 0, max: 20_000 })), {
          maxLength: 40,
        }),
        (steps) => {
          const schedule = createMemoryPaceStore()
          const model = new PaceModel()
          let now = 1_000_000
          for (const [limits, advance] of steps) {
            now += advance
            expect(schedule.reserve(limits, now).delayMs).toBeCloseTo(model.reserve(limits, now), 6)
          }
        },
      ),
    )
  })

  it('lets at most `burst` sends leave together, then one per period / count', () => {
    fc.assert(
      fc.property(limitsArb, fc.integer({ min: 1, max: 30 }), (limits, sends) => {
        const schedule = createMemoryPaceStore()
        const times = Array.from({ length: sends }, () => schedule.reserve(limits, 0).delayMs)
        for (const limit of limits) expect(burstViolation(times, limit, 1e-6)).toBeUndefined()
        // And no slower than the tightest limit allows: the last send leaves when that limit says.
        const last = Math.max(...limits.map((l) => Math.max(0, sends - l.burst) * (l.periodMs / l.count)))
        expect(Math.max(...times)).toBeCloseTo(last, 6)
      }),
    )
  })

  it('gives back only the last booking, and never books a slot before now after a release', () => {
    const schedule = createMemoryPaceStore()
    const limit: PaceLimit = { key: 'bot1', count: 1, periodMs: 1000, burst: 1 }
    const first = schedule.reserve([limit], 0)
    const second = schedule.reserve([limit], 0)
    expect(second.delayMs).toBe(1000)
    // The first is not the last booking: giving it back changes nothing.
    schedule.release([limit], first, 0)
    expect(schedule.reserve([limit], 0).delayMs).toBe(2000)
    const fourth = schedule.reserve([limit], 0)
    expect(fourth.delayMs).toBe(3000)
    schedule.release([limit], fourth, 0)
    expect(schedule.reserve([limit], 0).delayMs).toBe(3000)
    // A booking of several limits gives back each limit no later booking has moved since.
    const bot: PaceLimit = { key: 'bot2', count: 10, periodMs: 1000, burst: 1 }
    const both = schedule.reserve([limit, bot], 0)
    expect(both).toEqual({ delayMs: 4000 })
    expect(schedule.reserve([bot], 0).delayMs).toBe(4100)
    schedule.release([limit, bot], both, 0)
    expect(schedule.reserve([limit], 0).delayMs).toBe(4000)
    expect(schedule.reserve([bot], 0).delayMs).toBe(4200)
  })

  it('rejects a limit it cannot keep with a clear message, instead of dividing by zero', () => {
    const schedule = createMemoryPaceStore()
    for (const bad of [
      { key: 'k', count: 0, periodMs: 1000, burst: 1 },
      { key: 'k', count: 1, periodMs: -1, burst: 1 },
      { key: 'k', count: 1, periodMs: 1000, burst: 0 },
      { key: 'k', count: Number.NaN, periodMs: 1000, burst: 1 },
    ]) {
      expect(() => schedule.reserve([bad], 0)).toThrow(/pace limit k: needs count > 0/)
    }
    expect(schedule.size).toBe(0)
  })
})
