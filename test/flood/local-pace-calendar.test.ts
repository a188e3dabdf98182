import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createLocalPaceCalendar } from '../../src/flood/local-pace-calendar.js'
import type { PaceLimit } from '../../src/flood/pace-store.js'
import { BookedSlots, CalendarModel, chatLimits, chatsArb } from './pace-calendar-model.js'

const bot: PaceLimit = { key: 'bot1|pace|bot', count: 30, periodMs: 1050, burst: 1 }
const group: PaceLimit = { key: 'bot1|pace|chat=-1', count: 1, periodMs: 1050, burst: 1 }
const user = (id: number): PaceLimit => ({ key: `bot1|pace|chat=${id}`, count: 1, periodMs: 1050, burst: 3 })

describe('the local pace calendar', () => {
  it('books the model’s slot for every send, keeps every limit, and leaves no gap a send could take', () => {
    fc.assert(
      fc.property(
        chatsArb,
        fc.array(
          fc.record({
            chat: fc.nat(),
            advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4_000 })),
            maxDelayMs: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
            // Mostly single messages; now and then an album.
            weight: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, fc.integer({ min: 2, max: 4 })),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        ({ calendar, chats }, steps) => {
          const store = createLocalPaceCalendar()
          const model = new CalendarModel()
          const slots = new BookedSlots()
          let now = 1_000_000
          for (const step of steps) {
            now += step.advanceMs
            const index = step.chat % chats.length
            const limits = chatLimits(chats[index] as (typeof chats)[number], index)
            const got = store.reserveOnCalendar(
              {
                limits,
                calendar,
                weight: step.weight,
                ...(step.maxDelayMs !== undefined && { maxDelayMs: step.maxDelayMs }),
              },
              now,
            )
            const expected = model.reserve(limits, calendar, now, step.maxDelayMs, step.weight)
            expect(got.booked).toBe(expected.booked)
            expect(got.delayMs).toBeCloseTo(expected.delayMs, 6)
            if (!got.booked) continue
            slots.add(limits, calendar, now + got.delayMs, step.weight)
          }
          const all = chats.flatMap((chat, index) => chatLimits(chat, index))
          expect(slots.violation(calendar, all)).toBeUndefined()
        },
      ),
      { numRuns: 300 },
    )
  })

  it('books a group’s message ahead without holding back the users’ messages behind it', () => {
    const store = createLocalPaceCalendar()
    const delays = [
      store.reserveOnCalendar({ limits: [group], calendar: bot }, 0).delayMs,
      // The group's second message may only go a second on: booked there...
      store.reserveOnCalendar({ limits: [group], calendar: bot }, 0).delayMs,
      // ...while the users' take the bot's slots in between, one every 35 ms, from the second on.
      ...Array.from(
        { length: 40 },
        (_, i) => store.reserveOnCalendar({ limits: [user(i)], calendar: bot }, 0).delayMs,
      ),
    ]
    expect(delays[0]).toBe(0)
    expect(delays[1]).toBeCloseTo(1050, 6)
    const users = delays.slice(2)
    // 29 fit before the group's second message; the 30th would clash with it and goes after.
    expect(users.slice(0, 29).map((delay) => Math.round(delay))).toEqual(
      Array.from({ length: 29 }, (_, i) => 35 * (i + 1)),
    )
    expect(users[29]).toBeCloseTo(1085, 6)
    expect(users[39]).toBeCloseTo(1085 + 35 * 10, 6)
  })

  it('books nothing for a send whose slot lies past its bound, and says where the slot lay', () => {
    const store = createLocalPaceCalendar()
    store.reserveOnCalendar({ limits: [group], calendar: bot }, 0)
    const late = store.reserveOnCalendar({ limits: [group], calendar: bot, maxDelayMs: 1000 }, 0)
    expect(late).toEqual({ delayMs: 1050, booked: false })
    // Nothing was booked: the next one gets that very slot.
    expect(store.reserveOnCalendar({ limits: [group], calendar: bot }, 0).delayMs).toBeCloseTo(1050, 6)
  })

  it('gives a slot back, on the frontier or ahead of it, only where no later booking built on it', () => {
    const store = createLocalPaceCalendar()
    store.reserveOnCalendar({ limits: [group], calendar: bot }, 0)
    const ahead = store.reserveOnCalendar({ limits: [group], calendar: bot }, 0)
    store.releaseOnCalendar(ahead, 10)
    // The group's slot and the bot's slot at 1050 are free again.
    expect(store.reserveOnCalendar({ limits: [group], calendar: bot }, 10).delayMs).toBeCloseTo(1040, 6)
    const onFrontier = store.reserveOnCalendar({ limits: [user(1)], calendar: bot }, 10)
    expect(onFrontier.delayMs).toBeCloseTo(25, 6)
    store.releaseOnCalendar(onFrontier, 10)
    expect(store.reserveOnCalendar({ limits: [user(2)], calendar: bot }, 10).delayMs).toBeCloseTo(25, 6)
    const built = store.reserveOnCalendar({ limits: [user(3)], calendar: bot }, 10)
    store.reserveOnCalendar({ limits: [user(4)], calendar: bot }, 10)
    // A later send was booked after it: giving it back would hand out a taken slot.
    store.releaseOnCalendar(built, 10)
    expect(store.reserveOnCalendar({ limits: [user(5)], calendar: bot }, 10).delayMs).toBeCloseTo(130, 6)
  })

  it('refuses a calendar limit with a burst, and limits it cannot keep', () => {
    const store = createLocalPaceCalendar()
    expect(() => store.reserveOnCalendar({ limits: [], calendar: { ...bot, burst: 2 } }, 0)).toThrow(
      /burst 1/,
    )
    expect(() => store.reserveOnCalendar({ limits: [{ ...group, count: 0 }], calendar: bot }, 0)).toThrow(
      RangeError,
    )
  })
})
