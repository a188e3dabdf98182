import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PaceLimit } from '../../src/flood/pace-store.js'
import { createRedisFloodStore, type RedisFloodStore } from '../../src/redis/index.js'
import { BookedSlots, CalendarModel, chatLimits, chatsArb } from '../flood/pace-calendar-model.js'
import { clientFor, commandStats, useRedisServer } from './helpers.js'

const suite = useRedisServer()
let prefixCount = 0

async function openStores(
  count: number,
  prefix = `calendar${++prefixCount}:flood:`,
): Promise<RedisFloodStore[]> {
  const stores = Array.from({ length: count }, () =>
    createRedisFloodStore({ redis: clientFor(suite.server.port), prefix, commandTimeoutMs: 300 }),
  )
  suite.opened.push(...stores)
  for (const store of stores) expect(await store.whenSynced()).toBe(true)
  return stores
}

const bot: PaceLimit = { key: 'bot7|pace|bot', count: 30, periodMs: 1050, burst: 1 }
const group: PaceLimit = { key: 'bot7|pace|chat=-1', count: 1, periodMs: 1050, burst: 1 }

describe('calendar bookings through the Redis store, against a real redis-server', () => {
  it('books the model’s slot for every send from processes whose clocks disagree, keeping every limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        chatsArb,
        fc.array(
          fc.record({
            process: fc.integer({ min: 0, max: 2 }),
            chat: fc.nat(),
            // What each process believes the time is: anything at all (the script reads TIME).
            clientNow: fc.integer({ min: -1e12, max: 4e12 }),
            maxDelayMs: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
            // Mostly single messages; now and then an album.
            weight: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, fc.integer({ min: 2, max: 4 })),
          }),
          { minLength: 4, maxLength: 30 },
        ),
        async ({ calendar, chats }, steps) => {
          const stores = await openStores(3)
          const model = new CalendarModel()
          const slots = new BookedSlots()
          for (const step of steps) {
            const index = step.chat % chats.length
            const limits = chatLimits(chats[index] as (typeof chats)[number], index)
            const got = await (stores[step.process] as RedisFloodStore).reserveOnCalendar(
              {
                limits,
                calendar,
                weight: step.weight,
                ...(step.maxDelayMs !== undefined && { maxDelayMs: step.maxDelayMs }),
              },
              step.clientNow,
            )
            expect(got.storeError).toBeUndefined()
            // The model runs on the script's own clock, which the reply tells.
            const redisNow = (got.slotAt as number) - got.delayMs
            const expected = model.reserve(limits, calendar, redisNow, step.maxDelayMs, step.weight)
            expect(got.booked).toBe(expected.booked)
            expect(Math.abs(got.delayMs - expected.delayMs)).toBeLessThan(0.01)
            if (!got.booked) continue
            slots.add(limits, calendar, got.slotAt as number, step.weight)
          }
          const all = chats.flatMap((chat, index) => chatLimits(chat, index))
          expect(slots.violation(calendar, all)).toBeUndefined()
          await Promise.all(suite.opened.splice(0).map((store) => store.close()))
        },
      ),
      { numRuns: 40 },
    )
  }, 120_000)

  it('costs one script run per send, and keeps a bot’s keys under one hash tag', async () => {
    const prefix = `calendar${++prefixCount}:flood:`
    const [store] = (await openStores(1, prefix)) as [RedisFloodStore]
    await store.reserveOnCalendar({ limits: [group], calendar: bot }, 0) // loads the script
    const before = await commandStats(suite.operator)
    for (let i = 0; i < 5; i++) await store.reserveOnCalendar({ limits: [group], calendar: bot }, 0)
    const after = await commandStats(suite.operator)
    expect((after.get('evalsha') ?? 0) - (before.get('evalsha') ?? 0)).toBe(5)
    expect((after.get('eval') ?? 0) - (before.get('eval') ?? 0)).toBe(0)
    const pacePrefix = prefix.replace(/flood:$/, 'pace:')
    expect((await suite.operator.keys(`${pacePrefix}*`)).sort()).toEqual([
      `${pacePrefix}{bot7}|pace|bot`,
      `${pacePrefix}{bot7}|pace|bot|ahead`,
      `${pacePrefix}{bot7}|pace|chat=-1`,
    ])
    // The slots booked ahead live until the last of them has passed, no longer.
    const ttl = await suite.operator.pttl(`${pacePrefix}{bot7}|pace|bot|ahead`)
    expect(ttl).toBeGreaterThan(4_000)
    expect(ttl).toBeLessThanOrEqual(5 * 1050 + 35)
  })

  it('walks past every slot booked ahead that is in the way, and no further', async () => {
    const [a, b] = (await openStores(2)) as [RedisFloodStore, RedisFloodStore]
    const groups = [1, 2, 3].map((id): PaceLimit => ({ ...group, key: `bot7|pace|chat=-${id}` }))
    const first = await a.reserveOnCalendar({ limits: groups, calendar: bot }, 0)
    // Three groups' second messages all want the same second: booked 35 ms apart from there on.
    const seconds = []
    for (const limit of groups) seconds.push(await b.reserveOnCalendar({ limits: [limit], calendar: bot }, 0))
    const start = first.slotAt as number
    expect(seconds.map((slot) => Math.round((slot.slotAt as number) - start))).toEqual([1050, 1085, 1120])
    // A user's message still takes the bot's next slot, long before them.
    const user = await a.reserveOnCalendar(
      { limits: [{ ...group, key: 'bot7|pace|chat=5' }], calendar: bot },
      0,
    )
    expect((user.slotAt as number) - start).toBeLessThan(100)
  })

  it('books nothing past the bound, and gives back what a send will not use', async () => {
    const [a, b] = (await openStores(2)) as [RedisFloodStore, RedisFloodStore]
    await a.reserveOnCalendar({ limits: [group], calendar: bot }, 0)
    const late = await b.reserveOnCalendar({ limits: [group], calendar: bot, maxDelayMs: 500 }, 0)
    expect(late.booked).toBe(false)
    expect(late.delayMs).toBeGreaterThan(1_000)
    const ahead = await b.reserveOnCalendar({ limits: [group], calendar: bot }, 0)
    expect(ahead.booked).toBe(true)
    await b.releaseOnCalendar(ahead, 0)
    // Given back: the next message into the group takes that slot, not the one after it.
    const again = await a.reserveOnCalendar({ limits: [group], calendar: bot }, 0)
    expect(Math.abs((again.slotAt as number) - (ahead.slotAt as number))).toBeLessThan(0.01)
  })

  it('goes on booking in this process while Redis is down, and says so', async () => {
    const [store] = (await openStores(1)) as [RedisFloodStore]
    suite.server.pause()
    const slots = []
    for (let i = 0; i < 3; i++)
      slots.push(await store.reserveOnCalendar({ limits: [group], calendar: bot }, 1_000))
    expect(slots.every((slot) => slot.storeError !== undefined)).toBe(true)
    expect(slots.map((slot) => Math.round(slot.delayMs))).toEqual([0, 1050, 2100])
  })
})
