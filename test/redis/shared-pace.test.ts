import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PaceLimit, PaceRefusal, SharedPace, SharedPaceRequest } from '../../src/flood/pace-store.js'
import {
  createRedisFloodStore,
  type FloodStoreErrorEvent,
  paceKeyOf,
  type RedisFloodStore,
  sharedPaceKeyOf,
} from '../../src/redis/index.js'
import { clientFor, commandStats, commandsBetween, useRedisServer } from './helpers.js'

const suite = useRedisServer()
let prefixCount = 0

async function openStores(count: number): Promise<{ stores: RedisFloodStore[]; prefix: string }> {
  const prefix = `shared${++prefixCount}:flood:`
  const stores = Array.from({ length: count }, () =>
    createRedisFloodStore({ redis: clientFor(suite.server.port), prefix, commandTimeoutMs: 300 }),
  )
  suite.opened.push(...stores)
  for (const store of stores) expect(await store.whenSynced()).toBe(true)
  return { stores, prefix }
}

const KEY = 'alice|messages.sendMessage'
const request = (member: string): SharedPaceRequest => ({
  member,
  shrinkRatio: 0.7,
  growthRatio: 0.05,
  keepMs: 60_000,
})
/** A refusal whose discovery lasts the whole test (the wait), measured unless said. */
const refusal = (ratePerSecond: number, fields: Partial<PaceRefusal> = {}): PaceRefusal => ({
  ratePerSecond,
  measured: true,
  basis: 0,
  waitMs: 600_000,
  ...fields,
})
/** The learned limit a pacer books with: its own spacing, and the request that shares it. */
const limitOf = (member: string, ownIntervalMs = 2_000): PaceLimit => ({
  key: KEY,
  count: 1,
  periodMs: ownIntervalMs,
  burst: 1,
  shared: request(member),
})

describe('the pace a fleet shares for a flood key, in Redis', () => {
  it('adds the shares processes measured while the first wait lasts, each process once', async () => {
    const { stores } = await openStores(3)
    const [a, b, c] = stores as [RedisFloodStore, RedisFloodStore, RedisFloodStore]
    const first = await a.shareRefusal(KEY, request('a'), refusal(1), Date.now())
    expect(first).toEqual({ ratePerSecond: 1, ceilingPerSecond: 1, version: 1 })
    const second = await b.shareRefusal(KEY, request('b'), refusal(1.5), Date.now())
    expect(second).toEqual({ ratePerSecond: 2.5, ceilingPerSecond: 2.5, version: 2 })
    // The same process again: its share is replaced by a larger one, never added twice.
    expect(await a.shareRefusal(KEY, request('a'), refusal(0.5), Date.now())).toEqual(second)
    const third = await a.shareRefusal(KEY, request('a'), refusal(1.25), Date.now())
    expect(third).toEqual({ ratePerSecond: 2.75, ceilingPerSecond: 2.75, version: 3 })
    // Every process books with the fleet's pace, whatever its own measured share was.
    const slot = await c.reserve([limitOf('c', 5_000)], Date.now())
    expect(slot.shared).toEqual([third])
    const next = await a.reserve([limitOf('a', 800)], Date.now())
    expect(next.delayMs).toBeGreaterThan(1000 / 2.75 - 20)
    expect(next.delayMs).toBeLessThanOrEqual(1000 / 2.75)
  })

  it('lets a process that only met the window add to a discovery, never open one', async () => {
    const { stores } = await openStores(2)
    const [a, b] = stores as [RedisFloodStore, RedisFloodStore]
    const joined = { joined: true }
    // No refusal taught the key a pace (a FLOOD_PREMIUM_WAIT's window, say): nothing to join.
    expect(await b.shareRefusal(KEY, request('b'), refusal(2, joined), Date.now())).toBeUndefined()
    expect(await a.shareRefusal(KEY, request('a'), refusal(1), Date.now())).toMatchObject({ version: 1 })
    expect(await b.shareRefusal(KEY, request('b'), refusal(2, joined), Date.now())).toEqual({
      ratePerSecond: 3,
      ceilingPerSecond: 3,
      version: 2,
    })
  })

  it('takes a measured share over the floor an unmeasured refusal set, and doubles a floor per booking', async () => {
    const { stores } = await openStores(2)
    const [a, b] = stores as [RedisFloodStore, RedisFloodStore]
    const floor = await a.shareRefusal(KEY, request('a'), refusal(0.5, { measured: false }), Date.now())
    expect(floor).toEqual({ ratePerSecond: 0.5, ceilingPerSecond: Number.POSITIVE_INFINITY, version: 1 })
    // Booking grows an unmeasured pace as slow start does: it is only known to be no slower.
    const grown = await a.reserve([limitOf('a')], Date.now())
    expect(grown.shared).toEqual([
      { ratePerSecond: 1, ceilingPerSecond: Number.POSITIVE_INFINITY, version: 1 },
    ])
    const measured = await b.shareRefusal(KEY, request('b'), refusal(0.8), Date.now())
    expect(measured).toEqual({ ratePerSecond: 0.8, ceilingPerSecond: 0.8, version: 2 })
  })

  it('shrinks once for a refusal of a send that followed it, and ignores refusals of older paces', async () => {
    const { stores } = await openStores(2)
    const [a, b] = stores as [RedisFloodStore, RedisFloodStore]
    await a.shareRefusal(KEY, request('a'), refusal(2, { waitMs: 0 }), Date.now())
    // The discovery is over (its wait was 0): a process that followed no pace adds nothing now.
    expect(await b.shareRefusal(KEY, request('b'), refusal(3), Date.now())).toEqual({
      ratePerSecond: 2,
      ceilingPerSecond: 2,
      version: 1,
    })
    const shrunk = (await b.shareRefusal(
      KEY,
      request('b'),
      refusal(1, { basis: 1 }),
      Date.now(),
    )) as SharedPace
    expect(shrunk.version).toBe(2)
    expect(shrunk.ratePerSecond).toBeCloseTo(1.4, 9)
    expect(shrunk.ceilingPerSecond).toBeCloseTo(1.8, 9)
    // The other process's send followed version 1 too: the same episode, already counted.
    expect(await a.shareRefusal(KEY, request('a'), refusal(1, { basis: 1 }), Date.now())).toEqual(shrunk)
    // Bookings grow it back by 5% of the ceiling each, never past it.
    const rates: number[] = []
    for (let i = 0; i < 6; i++) {
      const slot = await a.reserve([limitOf('a')], Date.now())
      rates.push(slot.shared?.[0]?.ratePerSecond ?? Number.NaN)
    }
    expect(rates[0]).toBeCloseTo(1.4 + 0.09, 9)
    expect(rates[3]).toBeCloseTo(1.4 + 4 * 0.09, 9)
    expect(rates[5]).toBeCloseTo(1.8, 9)
  })

  it('lays the pace beside the limit under its hash tag, forgets it keepMs after its last use, and costs one script run per call', async () => {
    const { stores, prefix } = await openStores(1)
    const [a] = stores as [RedisFloodStore]
    const key = sharedPaceKeyOf(`${prefix.slice(0, -'flood:'.length)}pace:`, KEY)
    expect(key.startsWith(`${prefix.slice(0, -'flood:'.length)}pace:shared:{alice}`)).toBe(true)
    expect(paceKeyOf('p:', KEY)).toMatch(/\{alice\}/)
    // Each script's first run loads it (EVALSHA misses once, then EVAL); count the runs after.
    await a.shareRefusal('bob|x', request('a'), refusal(1), Date.now())
    await a.reserve([{ ...limitOf('a'), key: 'bob|x' }], Date.now())
    const runs = async () => {
      const stats = await commandStats(suite.operator)
      return { evalsha: stats.get('evalsha') ?? 0, eval: stats.get('eval') ?? 0, all: stats }
    }
    const before = await runs()
    await a.shareRefusal(KEY, { ...request('a'), keepMs: 300 }, refusal(1), Date.now())
    await a.reserve([{ ...limitOf('a'), shared: { ...request('a'), keepMs: 300 } }], Date.now())
    const after = await runs()
    expect(after.evalsha - before.evalsha).toBe(2)
    expect(after.eval - before.eval).toBe(0)
    // Scripts' own commands count too: the two calls ran nothing outside their scripts.
    expect(commandsBetween(before.all, after.all)).toBeGreaterThan(2)
    expect(await suite.operator.hget(key, 'rate')).toBe('1')
    const ttl = await suite.operator.pttl(key)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(300)
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(await suite.operator.exists(key)).toBe(0)
    // Forgotten: a booking is spaced by the limit's own interval again, and says no shared pace.
    const slot = await a.reserve([limitOf('a', 2_000)], Date.now())
    expect(slot.shared).toEqual([undefined])
  })

  it('keeps a pace for any keepMs, however long', async () => {
    const { stores, prefix } = await openStores(1)
    const [a] = stores as [RedisFloodStore]
    const key = sharedPaceKeyOf(`${prefix.slice(0, -'flood:'.length)}pace:`, KEY)
    const forever = { ...request('a'), keepMs: 1e300 }
    expect(await a.shareRefusal(KEY, forever, refusal(2), Date.now())).toMatchObject({ ratePerSecond: 2 })
    const slot = await a.reserve([{ ...limitOf('a'), shared: forever }], Date.now())
    expect(slot.shared?.[0]).toMatchObject({ ratePerSecond: 2 })
    expect(await suite.operator.pttl(key)).toBeGreaterThan(1e11)
  })

  it('treats a hash it did not write as no pace at all, and answers the next refusal afresh', async () => {
    const { stores, prefix } = await openStores(1)
    const [a] = stores as [RedisFloodStore]
    const key = sharedPaceKeyOf(`${prefix.slice(0, -'flood:'.length)}pace:`, KEY)
    for (const [rate, ceiling] of [
      ['abc', '1'],
      ['-1', '1'],
      ['1e400', '1'],
      ['2', 'nan'],
      ['2', '0'],
    ]) {
      await suite.operator.del(key)
      await suite.operator.hset(key, 'rate', rate as string, 'ceiling', ceiling as string, 'version', '7')
      const slot = await a.reserve([limitOf('a', 1_000)], Date.now())
      expect(slot.shared).toEqual([undefined])
      const fresh = await a.shareRefusal(KEY, request('a'), refusal(3), Date.now())
      expect(fresh).toEqual({ ratePerSecond: 3, ceilingPerSecond: 3, version: 8 })
    }
  })

  it('rejects a request or a report it could not keep, before any command', async () => {
    const { stores } = await openStores(1)
    const [a] = stores as [RedisFloodStore]
    const before = await commandStats(suite.operator)
    for (const bad of [
      { ...request('a'), member: '' },
      { ...request('a'), member: 'x'.repeat(65) },
      { ...request('a'), member: 'a b' },
      { ...request('a'), shrinkRatio: 1 },
      { ...request('a'), growthRatio: 0 },
      { ...request('a'), keepMs: Number.POSITIVE_INFINITY },
    ]) {
      await expect(a.shareRefusal(KEY, bad, refusal(1), Date.now())).rejects.toThrow(RangeError)
      await expect(a.reserve([{ ...limitOf('a'), shared: bad }], Date.now())).rejects.toThrow(RangeError)
    }
    for (const bad of [
      refusal(0),
      refusal(Number.NaN),
      refusal(1, { basis: 1.5 }),
      refusal(1, { basis: -1 }),
      refusal(1, { waitMs: Number.POSITIVE_INFINITY }),
      refusal(1, { joined: 'yes' as unknown as boolean }),
    ]) {
      await expect(a.shareRefusal(KEY, request('a'), bad, Date.now())).rejects.toThrow(RangeError)
    }
    const after = await commandStats(suite.operator)
    expect(commandsBetween(before, after)).toBe(0)
  })

  it('reports a refusal it could not share as an error event, and rejects', async () => {
    const { stores } = await openStores(1)
    const [a] = stores as [RedisFloodStore]
    const errors: FloodStoreErrorEvent[] = []
    a.on('error', (event) => errors.push(event))
    suite.server.pause()
    await expect(a.shareRefusal(KEY, request('a'), refusal(1), Date.now())).rejects.toThrow()
    suite.server.resume()
    expect(errors.map((event) => event.operation)).toContain('share')
  })
})

/**
 * The reference for the shared pace, written from `SharedPaceRequest`'s definition: a plain object,
 * no expiry, no validation. A wait of 0 ends a discovery at once and a very long one keeps it open,
 * so the model needs no clock.
 */
class SharedPaceModel {
  pace: { rate: number; ceiling: number; version: number; adding: boolean } | undefined
  shares = new Map<string, number>()

  report(member: string, refusal: PaceRefusal): void {
    const { pace } = this
    if (pace === undefined && refusal.joined === true) return
    if (pace === undefined) {
      this.shares.clear()
      if (refusal.measured) this.shares.set(member, refusal.ratePerSecond)
      const ceiling = refusal.measured ? refusal.ratePerSecond : Number.POSITIVE_INFINITY
      this.pace = { rate: refusal.ratePerSecond, ceiling, version: 1, adding: refusal.waitMs > 0 }
    } else if (refusal.basis === 0 && pace.adding) {
      if (refusal.measured && refusal.ratePerSecond > (this.shares.get(member) ?? 0)) {
        this.shares.set(member, refusal.ratePerSecond)
        pace.rate = [...this.shares.values()].reduce((sum, share) => sum + share, 0)
        pace.ceiling = pace.rate
        pace.version++
      }
    } else if (refusal.basis === pace.version) {
      const cap = pace.rate * 0.9
      pace.rate *= 0.7
      pace.ceiling = Math.max(pace.rate, Math.min(pace.ceiling, cap))
      pace.adding = false
      this.shares.clear()
      pace.version++
    }
  }

  book(): void {
    const { pace } = this
    if (pace === undefined) return
    if (pace.ceiling === Number.POSITIVE_INFINITY) pace.rate = Math.min(pace.rate * 2, 1e6)
    else pace.rate = Math.min(pace.ceiling, pace.rate + pace.ceiling * 0.05)
  }

  answer(): SharedPace | undefined {
    const { pace } = this
    return pace && { ratePerSecond: pace.rate, ceilingPerSecond: pace.ceiling, version: pace.version }
  }
}

describe('the shared pace against its model', () => {
  it('answers as the model does for any sequence of refusals and bookings from three processes', async () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('report' as const),
        member: fc.constantFrom('a', 'b', 'c'),
        rate: fc.double({ min: 0.01, max: 50, noNaN: true }),
        measured: fc.boolean(),
        basis: fc.constantFrom('none', 'current', 'older', 'newer'),
        openDiscovery: fc.boolean(),
        joined: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('book' as const), member: fc.constantFrom('a', 'b', 'c') }),
    )
    let shrank = false
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 20 }), async (steps) => {
        const { stores } = await openStores(3)
        const model = new SharedPaceModel()
        for (const entry of steps) {
          const store = stores['abc'.indexOf(entry.member)] as RedisFloodStore
          const expected = (got: SharedPace | undefined) => {
            const want = model.answer()
            if (want === undefined) return expect(got).toBeUndefined()
            expect(got?.version).toBe(want.version)
            expect(got?.ratePerSecond).toBeCloseTo(want.ratePerSecond, 6)
            if (want.ceilingPerSecond === Number.POSITIVE_INFINITY)
              expect(got?.ceilingPerSecond).toBe(Number.POSITIVE_INFINITY)
            else expect(got?.ceilingPerSecond).toBeCloseTo(want.ceilingPerSecond, 6)
          }
          if (entry.kind === 'book') {
            model.book()
            const slot = await store.reserve([limitOf(entry.member)], Date.now())
            expected(slot.shared?.[0])
            continue
          }
          const version = model.pace?.version ?? 0
          const basis = { none: 0, current: version, older: Math.max(0, version - 1), newer: version + 1 }[
            entry.basis
          ]
          if (entry.basis === 'current' && version > 0) shrank = true
          const report = refusal(entry.rate, {
            measured: entry.measured,
            basis,
            waitMs: entry.openDiscovery ? 600_000 : 0,
            joined: entry.joined,
          })
          model.report(entry.member, report)
          expected(await store.shareRefusal(KEY, request(entry.member), report, Date.now()))
        }
        await Promise.all(suite.opened.splice(0).map((opened) => opened.close()))
      }),
      { numRuns: 40 },
    )
    // The runs reached the rule that matters most: a refusal that followed the pace, shrinking it.
    expect(shrank).toBe(true)
  }, 60_000)
})
