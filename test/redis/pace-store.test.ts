import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PaceLimit } from '../../src/flood/pace-store.js'
import {
  createRedisFloodStore,
  type FloodStoreErrorEvent,
  paceKeyOf,
  type RedisFloodStore,
} from '../../src/redis/index.js'
import { clientFor, commandStats, useRedisServer } from './helpers.js'
import { burstViolation, limitsArb, PaceModel } from './pace-model.js'

const suite = useRedisServer()
let prefixCount = 0

function freshPrefix(): string {
  return `pace${++prefixCount}:flood:`
}

async function openStores(count: number, prefix = freshPrefix()): Promise<RedisFloodStore[]> {
  const stores = Array.from({ length: count }, () =>
    createRedisFloodStore({ redis: clientFor(suite.server.port), prefix, commandTimeoutMs: 300 }),
  )
  suite.opened.push(...stores)
  for (const store of stores) expect(await store.whenSynced()).toBe(true)
  return stores
}

describe('pacing through the Redis store, against a real redis-server', () => {
  it('books the model’s slots across several processes whose clocks disagree (the script reads TIME)', async () => {
    await fc.assert(
      fc.asyncProperty(
        limitsArb,
        fc.array(
          fc.record({
            process: fc.integer({ min: 0, max: 2 }),
            pick: fc.integer({ min: 1, max: 7 }),
            // What each process believes the time is: anything at all.
            clientNow: fc.integer({ min: -1e12, max: 4e12 }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (catalogue, steps) => {
          const stores = await openStores(3)
          const model = new PaceModel()
          const started = Date.now()
          const times = new Map<string, number[]>()
          for (const { process, pick, clientNow } of steps) {
            // A non-empty subset of the catalogue, chosen by the bits of `pick`.
            const chosen = catalogue.filter((_, i) => (pick >> i) & 1)
            const limits = chosen.length > 0 ? chosen : catalogue.slice(0, 1)
            const before = Date.now() - started
            const { delayMs } = await (stores[process] as RedisFloodStore).reserve(limits, clientNow)
            const elapsed = Date.now() - started
            const expected = model.reserve(limits, 0)
            // The model runs with no time passing; Redis's clock moved by at most `elapsed` ms
            // since the first booking, which can only bring a slot closer, never push it later.
            expect(delayMs).toBeLessThanOrEqual(expected + 0.01)
            expect(delayMs).toBeGreaterThanOrEqual(expected - elapsed - 1)
            for (const limit of limits) {
              const list = times.get(limit.key) ?? []
              list.push(before + delayMs)
              times.set(limit.key, list)
            }
          }
          for (const limit of catalogue) {
            expect(burstViolation(times.get(limit.key) ?? [], limit, 50)).toBeUndefined()
          }
          await Promise.all(suite.opened.splice(0).map((store) => store.close()))
        },
      ),
      { numRuns: 25 },
    )
  })

  it('costs one script run per reservation and no command at all for no limits', async () => {
    const [store] = (await openStores(1)) as [RedisFloodStore]
    const limits: PaceLimit[] = [
      { key: 'bot9', count: 30, periodMs: 1000, burst: 1 },
      { key: 'bot9|chat=-100', count: 18, periodMs: 60_000, burst: 3 },
    ]
    await store.reserve(limits, 0) // loads the script (EVALSHA misses once, then EVAL)
    const before = await commandStats(suite.operator)
    expect(await store.reserve([], 0)).toEqual({ delayMs: 0 })
    for (let i = 0; i < 5; i++) await store.reserve(limits, 0)
    const after = await commandStats(suite.operator)
    expect((after.get('evalsha') ?? 0) - (before.get('evalsha') ?? 0)).toBe(5)
    expect((after.get('eval') ?? 0) - (before.get('eval') ?? 0)).toBe(0)
  })

  it('lays keys out under one hash tag per bot, apart from the flood keys, and lets them expire', async () => {
    const prefix = freshPrefix()
    const [store] = (await openStores(1, prefix)) as [RedisFloodStore]
    const limits: PaceLimit[] = [
      { key: 'bot9|send', count: 2, periodMs: 1000, burst: 1 },
      { key: 'bot9|send|peer=-100', count: 1, periodMs: 3000, burst: 1 },
    ]
    await store.reserve(limits, 0)
    const pacePrefix = prefix.replace(/flood:$/, 'pace:')
    expect(paceKeyOf(pacePrefix, 'bot9|send|peer=-100')).toBe(`${pacePrefix}{bot9}|send|peer=-100`)
    expect((await suite.operator.keys(`${pacePrefix}*`)).sort()).toEqual([
      `${pacePrefix}{bot9}|send`,
      `${pacePrefix}{bot9}|send|peer=-100`,
    ])
    // Each key lives until its TAT: T ahead of the booking.
    const ttl = await suite.operator.pttl(`${pacePrefix}{bot9}|send|peer=-100`)
    expect(ttl).toBeGreaterThan(2_500)
    expect(ttl).toBeLessThanOrEqual(3_000)
    expect(await suite.operator.pttl(`${pacePrefix}{bot9}|send`)).toBeLessThanOrEqual(500)
    // The flood store's mirror did not mistake them for windows.
    expect(store.size).toBe(0)
  })

  it('gives back the last booking only, so a send that never left does not space the next one', async () => {
    const [a, b] = (await openStores(2)) as [RedisFloodStore, RedisFloodStore]
    const limit: PaceLimit = { key: 'bot9', count: 1, periodMs: 10_000, burst: 1 }
    await a.reserve([limit], 0)
    const second = await a.reserve([limit], 0)
    expect(second.delayMs).toBeGreaterThan(9_900)
    await a.release([limit], second, 0)
    const again = await b.reserve([limit], 0)
    expect(again.delayMs).toBeGreaterThan(9_900)
    expect(again.delayMs).toBeLessThanOrEqual(10_000)
    // b booked after `again`: giving `again` back now would hand out a taken slot, so nothing moves.
    const third = await b.reserve([limit], 0)
    await b.release([limit], again, 0)
    expect((await a.reserve([limit], 0)).delayMs).toBeGreaterThan(third.delayMs + 9_900)
  })

  it('gives back each limit of a booking that no later booking moved, and keeps the others', async () => {
    const [a, b] = (await openStores(2)) as [RedisFloodStore, RedisFloodStore]
    const chat: PaceLimit = { key: 'bot9|chat=-1', count: 1, periodMs: 5_000, burst: 1 }
    const bot: PaceLimit = { key: 'bot9', count: 1, periodMs: 1_000, burst: 1 }
    await a.reserve([chat], 0)
    const both = await a.reserve([chat, bot], 0)
    expect(both.delayMs).toBeGreaterThan(4_900)
    // Another process books the bot after it: the bot's part of `both` is no longer the last.
    const next = await b.reserve([bot], 0)
    expect(next.delayMs).toBeGreaterThan(both.delayMs + 900)
    await a.release([chat, bot], both, 0)
    // The chat's slot came back (its next is 5 s off again, not 10 s); the bot's stayed booked.
    const chatAgain = await b.reserve([chat], 0)
    expect(chatAgain.delayMs).toBeGreaterThan(4_800)
    expect(chatAgain.delayMs).toBeLessThanOrEqual(5_000)
    expect((await a.reserve([bot], 0)).delayMs).toBeGreaterThan(next.delayMs + 900)
  })

  it('books a limit of any finite period, past what Redis takes as an expiry, in Redis', async () => {
    const [store] = (await openStores(1)) as [RedisFloodStore]
    const errors: FloodStoreErrorEvent[] = []
    store.on('error', (event) => errors.push(event))
    for (const periodMs of [2 ** 31 + 1, 1e15, 1e300]) {
      const limit: PaceLimit = { key: `slow${periodMs}`, count: 1, periodMs, burst: 1 }
      const first = await store.reserve([limit], 0)
      const second = await store.reserve([limit], 0)
      expect(first.storeError).toBeUndefined()
      expect(second.storeError).toBeUndefined()
      expect(second.delayMs).toBeGreaterThan(Math.min(periodMs, 1e12) * 0.99)
      await store.release([limit], second, 0)
    }
    expect(errors).toEqual([])
  })

  it('rejects a limit it cannot keep, before any command', async () => {
    const [store] = (await openStores(1)) as [RedisFloodStore]
    await expect(store.reserve([{ key: 'k', count: 0, periodMs: 1000, burst: 1 }], 0)).rejects.toThrow(
      RangeError,
    )
  })

  it('goes on pacing locally while Redis is down, marks the slots with storeError, and shares again after', async () => {
    const [store] = (await openStores(1)) as [RedisFloodStore]
    const errors: FloodStoreErrorEvent[] = []
    store.on('error', (event) => errors.push(event))
    const limit: PaceLimit = { key: 'bot9', count: 1, periodMs: 1000, burst: 1 }
    await suite.server.stop()
    try {
      const started = Date.now()
      const first = await store.reserve([limit], 1_000_000)
      const second = await store.reserve([limit], 1_000_000)
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(first.storeError).toBeDefined()
      expect([first.delayMs, second.delayMs]).toEqual([0, 1000])
      // The local booking can be given back too.
      await store.release([limit], second, 1_000_000)
      expect((await store.reserve([limit], 1_000_000)).delayMs).toBe(1000)
    } finally {
      await suite.server.start()
    }
    expect(await store.whenSynced(5_000)).toBe(true)
    const shared = await store.reserve([limit], 0)
    expect(shared.storeError).toBeUndefined()
    expect(errors.every((event) => event.operation === 'reserve' || event.operation === 'sync')).toBe(true)
  })
})
