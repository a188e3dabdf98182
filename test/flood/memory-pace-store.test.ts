import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMemoryPaceStore, type PaceLimit } from '../../src/index.js'

const limit = (key: string, count: number, periodMs: number, burst = 1): PaceLimit => ({
  key,
  count,
  periodMs,
  burst,
})

describe('createMemoryPaceStore (GCRA with reservations)', () => {
  it('lets `burst` sends go at once after a quiet spell, then one per period / count', () => {
    const store = createMemoryPaceStore()
    const limits = [limit('k', 5, 1_000, 3)]
    const delays = Array.from({ length: 6 }, () => store.reserve(limits, 0).delayMs)
    expect(delays).toEqual([0, 0, 0, 200, 400, 600])
  })

  it('checks several limits together: the slot keeps the strictest of them', () => {
    const store = createMemoryPaceStore()
    const bot = limit('bot', 30, 1_000, 30)
    const chat = limit('chat', 1, 1_000)
    const first = store.reserve([bot, chat], 0)
    const second = store.reserve([bot, chat], 0)
    const otherChat = store.reserve([bot, limit('chat2', 1, 1_000)], 0)
    const [a, b, c] = [first, second, otherChat].map((slot) => slot.delayMs)
    expect([a, b]).toEqual([0, 1_000])
    // Another chat is not held by the first chat's limit; the bot's own spacing (about 33 ms, moved
    // past the booking at 1 s) is all that delays it.
    expect(c).toBeLessThan(100)
  })

  it('takes back the last slot booked, and only the last', () => {
    const store = createMemoryPaceStore()
    const limits = [limit('k', 1, 100)]
    store.reserve(limits, 0)
    const second = store.reserve(limits, 0)
    const third = store.reserve(limits, 0)
    expect(second.delayMs).toBe(100)
    // The second is not the last: giving it back changes nothing.
    store.release(limits, second, 0)
    store.release(limits, third, 0)
    expect(store.reserve(limits, 0).delayMs).toBe(200)
  })

  it('forgets limits whose schedule has passed when full, so memory stays bounded', () => {
    const store = createMemoryPaceStore({ maxKeys: 2 })
    store.reserve([limit('a', 1, 10)], 0)
    store.reserve([limit('b', 1, 10)], 0)
    store.reserve([limit('c', 1, 10)], 100)
    // `a` and `b` were idle, so `a` starts afresh with no delay.
    expect(store.reserve([limit('a', 1, 10)], 100).delayMs).toBe(0)
  })

  it('drops the oldest limit when every one remembered is still ahead, and never holds more than maxKeys', () => {
    const store = createMemoryPaceStore({ maxKeys: 2 })
    for (const key of ['a', 'b', 'c']) store.reserve([limit(key, 1, 1_000)], 0)
    expect(store.size).toBe(2)
    // `c` (the newest) kept its schedule; `a` (the oldest) was dropped and starts afresh.
    expect(store.reserve([limit('c', 1, 1_000)], 0).delayMs).toBe(1_000)
    expect(store.reserve([limit('a', 1, 1_000)], 0).delayMs).toBe(0)
    expect(store.size).toBe(2)
  })

  it('never lets more than burst + elapsed / T sends through one limit, and wastes no slot', () => {
    const arbitrary = fc.record({
      count: fc.integer({ min: 1, max: 10 }),
      periodMs: fc.integer({ min: 1, max: 5_000 }),
      burst: fc.integer({ min: 1, max: 6 }),
      gaps: fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 40 }),
    })
    fc.assert(
      fc.property(arbitrary, ({ count, periodMs, burst, gaps }) => {
        const store = createMemoryPaceStore()
        const limits = [limit('k', count, periodMs, burst)]
        const intervalMs = periodMs / count
        let now = 0
        const slots: number[] = []
        for (const gap of gaps) {
          now += gap
          const { delayMs } = store.reserve(limits, now)
          expect(delayMs).toBeGreaterThanOrEqual(0)
          slots.push(now + delayMs)
        }
        // Slots come in booking order, and any run of sends spans at least (n - burst) intervals.
        for (let i = 0; i < slots.length; i++) {
          for (let j = i + burst; j < slots.length; j++) {
            expect((slots[j] as number) - (slots[i] as number)).toBeGreaterThanOrEqual(
              (j - i - burst + 1) * intervalMs - 1e-6,
            )
          }
        }
        // Work-conserving: a slot later than its booking is exactly the earliest the limit allowed.
        for (let i = 0; i < slots.length; i++) {
          const booked = gaps.slice(0, i + 1).reduce((a, b) => a + b, 0)
          const slot = slots[i] as number
          if (slot > booked) {
            const earliest = i >= burst ? (slots[i - burst] as number) + burst * intervalMs : booked
            expect(slot).toBeLessThanOrEqual(Math.max(booked, earliest) + 1e-6)
          }
        }
      }),
    )
  })
})
