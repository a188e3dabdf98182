import { describe, expect, it } from 'vitest'
import {
  createMemoryPaceStore,
  MemoryFloodStore,
  type PaceChangeEvent,
  type PaceLimit,
  type PaceRefusal,
  type PaceSlot,
  type PaceStore,
  type SendRequest,
  type SharedPace,
  type SharedPaceRequest,
} from '../../src/index.js'
import { capture, rpc, setup } from './helpers.js'

/**
 * A store as a fleet shares it, seen from one process: it books with a memory schedule, records
 * what the pacer told it, and answers the shared pace a test sets (the Redis script's own rules
 * are tested against a model in test/redis/shared-pace.test.ts).
 */
function sharedStore() {
  const memory = createMemoryPaceStore()
  const reports: Array<{ key: string; request: SharedPaceRequest; refusal: PaceRefusal; at: number }> = []
  const bookings: PaceLimit[][] = []
  const state: { pace: SharedPace | undefined; failing: boolean } = { pace: undefined, failing: false }
  const store: Required<PaceStore> = {
    reserve(limits, now): PaceSlot {
      bookings.push([...limits])
      const slot = memory.reserve(limits, now)
      return { ...slot, shared: limits.map((limit) => (limit.shared === undefined ? undefined : state.pace)) }
    },
    release: (limits, slot, now) => memory.release(limits, slot, now),
    async shareRefusal(key, request, refusal, now) {
      if (state.failing) throw new Error('store down')
      reports.push({ key, request, refusal, at: now })
      return state.pace
    },
  }
  return { store, reports, bookings, state }
}

/**
 * An invoker whose server accepts everything and notes when each send left, with a memory flood
 * store a test writes windows into (as another process's would arrive), and `paceStore` if given.
 */
function windowSetup(paceStore?: PaceStore) {
  const floodStore = new MemoryFloodStore()
  const sentAt: number[] = []
  const made = setup({
    send: () => {
      sentAt.push(made.clock.now())
      return 'ok'
    },
    floodStore,
    ...(paceStore !== undefined && { paceStore }),
    floodScopeOf: () => 'method',
  })
  return { ...made, floodStore, sentAt }
}

/** One refusal (FLOOD_WAIT_2) after `accepted` sends, then every send accepted. */
function refusingOnce(accepted: number) {
  let sent = 0
  let refusals = 0
  return {
    send: (_request: SendRequest) => {
      if (++sent === accepted + 1) {
        refusals++
        throw rpc(420, 'FLOOD_WAIT_2')
      }
      return 'ok'
    },
    get refusals() {
      return refusals
    },
  }
}

describe('pacing over a store shared by a fleet: one pace per key', () => {
  it('tells the store its measured share at the refusal, before the wait ends, and books with the fleet’s pace after', async () => {
    const shared = sharedStore()
    shared.state.pace = { ratePerSecond: 2.4, ceilingPerSecond: 2.4, version: 3 }
    const server = refusingOnce(2)
    const { clock, invoke } = setup({
      send: (request) => server.send(request),
      paceStore: shared.store,
      floodScopeOf: () => 'method',
    })
    const changes: PaceChangeEvent[] = []
    invoke.on('paceChange', (event) => changes.push(event))
    const start = clock.now()
    const calls = Array.from({ length: 2 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(10)
    calls.push(capture(invoke('m.send', { i: 2 })))
    await clock.advance(100)
    // Reported at once, during the 2 s wait: 2 sends accepted 10 ms before a refusal with a 2 s
    // wait, over that window plus the safety margin (25) and the idle jitter (50).
    expect(shared.reports).toHaveLength(1)
    const [report] = shared.reports
    expect(report?.key).toBe('default|m.send')
    expect(report?.at).toBe(start + 10)
    expect(report?.refusal).toEqual({
      ratePerSecond: (2 * 1000) / (10 + 2_000 + 25 + 50),
      measured: true,
      basis: 0,
      waitMs: 2_000,
    })
    expect(report?.request).toMatchObject({ shrinkRatio: 0.7, growthRatio: 0.05, keepMs: 300_000 })
    expect(report?.request.member).toMatch(/^[\w.-]{1,64}$/)
    // The answer is the key's pace here too, and listeners hear it came from the fleet.
    expect(invoke.pacingSnapshot().paces[0]?.ratePerSecond).toBeCloseTo(2.4, 9)
    expect(changes.at(-1)).toMatchObject({ shared: true, ratePerSecond: 2.4, waitMs: 0 })
    await clock.advance(10_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    // Every booking names the same member and the fleet's tuning, so the store can grow the pace.
    expect(shared.bookings.length).toBeGreaterThan(0)
    for (const limits of shared.bookings) expect(limits[0]?.shared).toEqual(report?.request)
  })

  it('names the version its refused send followed, so the fleet shrinks once per episode', async () => {
    const shared = sharedStore()
    let refuseNext = false
    const { clock, invoke } = setup({
      send: () => {
        if (!refuseNext) return 'ok'
        refuseNext = false
        throw rpc(420, 'FLOOD_WAIT_1')
      },
      paceStore: shared.store,
      floodScopeOf: () => 'method',
    })
    refuseNext = true
    const first = capture(invoke('m.send', {}))
    await clock.advance(5_000)
    expect(first.value).toBe('ok')
    expect(shared.reports.map((entry) => entry.refusal.basis)).toEqual([0])
    // The fleet's pace moves on (another process added its share); bookings follow it.
    shared.state.pace = { ratePerSecond: 4, ceilingPerSecond: 4, version: 2 }
    const following = capture(invoke('m.send', {}))
    await clock.advance(5_000)
    expect(following.value).toBe('ok')
    expect(invoke.pacingSnapshot().paces[0]?.ratePerSecond).toBeCloseTo(4, 9)
    refuseNext = true
    const refused = capture(invoke('m.send', {}))
    await clock.advance(5_000)
    expect(refused.value).toBe('ok')
    expect(shared.reports.map((entry) => entry.refusal.basis)).toEqual([0, 2])
  })

  it('keeps pacing on its own schedule when the store cannot take a report, and says so', async () => {
    const shared = sharedStore()
    shared.state.failing = true
    const server = refusingOnce(1)
    const { clock, invoke, log } = setup({
      send: (request) => server.send(request),
      paceStore: shared.store,
      floodScopeOf: () => 'method',
    })
    const calls = Array.from({ length: 4 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(20_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    expect(log.of('storeError').map((event) => event.key)).toEqual(['default|m.send'])
    expect(server.refusals).toBe(1)
  })

  it('follows no answer that is not a pace (a store of the user’s may answer anything)', async () => {
    const shared = sharedStore()
    const server = refusingOnce(1)
    const { clock, invoke } = setup({
      send: (request) => server.send(request),
      paceStore: shared.store,
      floodScopeOf: () => 'method',
    })
    const hostile = [
      { ratePerSecond: Number.NaN, ceilingPerSecond: 1, version: 1 },
      { ratePerSecond: -1, ceilingPerSecond: 1, version: 1 },
      { ratePerSecond: 2, ceilingPerSecond: 1, version: 1 },
      { ratePerSecond: 1, ceilingPerSecond: 1, version: 0.5 },
      { ratePerSecond: 1, ceilingPerSecond: 1 },
      'fast',
      null,
    ]
    const first = capture(invoke('m.send', { i: 0 }))
    await clock.advance(10)
    const refused = capture(invoke('m.send', { i: 1 }))
    await clock.advance(3_000)
    expect([first.value, refused.value]).toEqual(['ok', 'ok'])
    for (const answer of hostile) {
      shared.state.pace = answer as unknown as SharedPace
      const before = shared.bookings.length
      const call = capture(invoke('m.send', { answer: String(answer) }))
      await clock.advance(3_000)
      expect(call.value).toBe('ok')
      // The key is paced, so the call booked a slot, and the answer it got changed nothing.
      expect(shared.bookings.length).toBeGreaterThan(before)
      const rate = invoke.pacingSnapshot().paces[0]?.ratePerSecond as number
      expect(rate).toBeGreaterThan(0)
      expect(Number.isFinite(rate)).toBe(true)
    }
  })

  it('paces a key whose window another process recorded: the held calls book at the fleet’s pace', async () => {
    const shared = sharedStore()
    shared.state.pace = { ratePerSecond: 2, ceilingPerSecond: 2, version: 4 }
    const { clock, invoke, floodStore, sentAt } = windowSetup(shared.store)
    // Another process met the limit: its window reached this one's store, this process never met it.
    const start = clock.now()
    floodStore.record('default|m.send', start + 1_000, start)
    const calls = Array.from({ length: 5 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(5_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    // None left inside the window, and after it they left one at a time at 2 per s, not together.
    expect(sentAt[0]).toBeGreaterThanOrEqual(start + 1_000)
    const gaps = sentAt.slice(1).map((at, i) => at - (sentAt[i] as number))
    for (const gap of gaps.slice(1)) expect(gap).toBeGreaterThanOrEqual(499)
    expect(invoke.pacingSnapshot().paces[0]).toMatchObject({ key: 'default|m.send', ratePerSecond: 2 })
    // It asked the fleet once; with nothing sent here before the window, it had no share to add.
    expect(shared.reports.map((entry) => entry.refusal)).toEqual([
      { ratePerSecond: 1000 / (1_000 + 25 + 50), measured: false, basis: 0, waitMs: 1_000, joined: true },
    ])
  })

  it('holds calls on a window the fleet does not pace as it always did, asking the store once', async () => {
    // A FLOOD_PREMIUM_WAIT's window, or one recorded by a process that does not pace: no fleet pace.
    const shared = sharedStore()
    const { clock, invoke, floodStore, sentAt } = windowSetup(shared.store)
    const start = clock.now()
    floodStore.record('default|m.send', start + 1_000, start)
    const calls = Array.from({ length: 3 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(10)
    calls.push(capture(invoke('m.send', { i: 3 })))
    await clock.advance(2_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    expect(sentAt).toEqual([start + 1_000, start + 1_000, start + 1_000, start + 1_000])
    expect(invoke.pacingSnapshot().paces).toEqual([])
    expect(shared.reports).toHaveLength(1)
    expect(shared.bookings).toEqual([])
  })

  it('tells its share when it meets another process’s window after sends of its own', async () => {
    const shared = sharedStore()
    const { clock, invoke, floodStore } = windowSetup(shared.store)
    const start = clock.now()
    const before = [capture(invoke('m.send', { i: 0 })), capture(invoke('m.send', { i: 1 }))]
    await clock.advance(100)
    expect(before.map((call) => call.value)).toEqual(['ok', 'ok'])
    // Another process was refused: the window reaches this store; this process's next call meets it.
    floodStore.record('default|m.send', start + 2_100, start + 100)
    const held = capture(invoke('m.send', { i: 2 }))
    await clock.advance(5_000)
    expect(held.value).toBe('ok')
    // Its two accepted sends filled part of the window: that share, as a refusal here would tell it.
    expect(shared.reports.map((entry) => entry.refusal)).toEqual([
      {
        ratePerSecond: (2 * 1000) / (100 + 2_000 + 25 + 50),
        measured: true,
        basis: 0,
        waitMs: 2_000,
        joined: true,
      },
    ])
  })

  it('leaves a window it did not meet as it was without a shared store: held, then released', async () => {
    const { clock, invoke, floodStore, sentAt } = windowSetup()
    const start = clock.now()
    floodStore.record('default|m.send', start + 1_000, start)
    const calls = Array.from({ length: 3 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(2_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    expect(sentAt).toEqual([start + 1_000, start + 1_000, start + 1_000])
    expect(invoke.pacingSnapshot().paces).toEqual([])
  })

  it('tells a store of its own nothing: the memory store shares no pace', async () => {
    const memory = createMemoryPaceStore()
    expect('shareRefusal' in memory).toBe(false)
    const server = refusingOnce(1)
    const { clock, invoke } = setup({ send: (request) => server.send(request), floodScopeOf: () => 'method' })
    const calls = Array.from({ length: 3 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(20_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
  })
})
