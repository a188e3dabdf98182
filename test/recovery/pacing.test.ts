import { describe, expect, it } from 'vitest'
import {
  createMemoryPaceStore,
  detailsOf,
  type InvokerOptions,
  lookup,
  MemoryFloodStore,
  type PaceLimit,
  type PaceSlot,
  type SendRequest,
} from '../../src/index.js'
import { capture, type FakeClock, rpc, setup } from './helpers.js'

/**
 * A server limit as the testkit and Telegram apply it: at most `max` accepted calls per sliding
 * `perMs`, FLOOD_WAIT with the seconds until the oldest leaves the window, answers after
 * `latencyMs`. With `penaltyMs`, as the default MTProto world: a refusal is a fixed wait that
 * forgives the calls that earned it (the window starts empty once it is over).
 */
function slidingWindowServer(
  clock: FakeClock,
  initialMax: number,
  perMs: number,
  latencyMs = 10,
  penaltyMs?: number,
) {
  let max = initialMax
  let unblockAt = 0
  let accepted: number[] = []
  const arrivals: Array<{ at: number; ok: boolean; priority: unknown }> = []
  let inFlight = 0
  let mostInFlight = 0
  const send = (request: SendRequest): Promise<unknown> => {
    const now = clock.now()
    while (accepted.length > 0 && (accepted[0] as number) <= now - perMs) accepted.shift()
    const ok = now >= unblockAt && accepted.length < max
    if (ok) accepted.push(now)
    arrivals.push({ at: now, ok, priority: (request.params as { priority?: unknown })?.priority })
    inFlight++
    mostInFlight = Math.max(mostInFlight, inFlight)
    let seconds = ok ? 0 : Math.max(1, Math.ceil(((accepted[0] as number) + perMs - now) / 1000))
    if (!ok && penaltyMs !== undefined) {
      if (now >= unblockAt) {
        unblockAt = now + penaltyMs
        accepted = []
      }
      seconds = Math.max(1, Math.ceil((unblockAt - now) / 1000))
    }
    return new Promise((resolve, reject) => {
      clock.setTimer(() => {
        inFlight--
        if (ok) resolve('ok')
        else reject(rpc(420, `FLOOD_WAIT_${seconds}`))
      }, latencyMs)
    })
  }
  return {
    send,
    arrivals,
    setMax(value: number) {
      max = value
    },
    get refusals() {
      return arrivals.filter((arrival) => !arrival.ok).length
    },
    get mostInFlight() {
      return mostInFlight
    },
  }
}

type Options = Partial<Omit<InvokerOptions, 'clock' | 'random' | 'send'>>

/** {@link pacedSetup} against a {@link slidingWindowServer} made with `limit`. */
function limitedSetup(
  limit: [max: number, perMs: number, latencyMs?: number, penaltyMs?: number],
  options: Options = {},
) {
  let server!: ReturnType<typeof slidingWindowServer>
  const made = pacedSetup((clock) => {
    server = slidingWindowServer(clock, ...limit)
    return server
  }, options)
  return { ...made, server }
}

/** An invoker on a fake clock whose FLOOD_WAITs count per method, as the catalogue says they do. */
function pacedSetup(
  server: (clock: FakeClock) => { send: (request: SendRequest) => unknown },
  options: Options = {},
) {
  let target: { send: (request: SendRequest) => unknown } | undefined
  const made = setup({
    send: (request) => target?.send(request),
    floodScopeOf: () => 'method',
    ...options,
  })
  target = server(made.clock)
  return { ...made, server: target }
}

describe('pacing: a refusal teaches the key its pace', () => {
  it('after n accepted then FLOOD_WAIT_X, sends n per (elapsed + X) once the window ends, a probe first', async () => {
    const { clock, invoke, log, server } = limitedSetup([5, 2_000])
    const learned: unknown[] = []
    invoke.on('paceChange', (event) => learned.push(event))
    const start = clock.now()
    const calls = Array.from({ length: 15 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(60_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    // The burst met the limit once (the 10 sends beyond it were in flight together); after the
    // window no send was refused again.
    expect(server.refusals).toBe(10)
    expect(learned).toHaveLength(1)
    expect(learned[0]).toMatchObject({ key: 'default|m.send', measured: { count: 5 } })
    const later = server.arrivals.filter((arrival) => arrival.at > start).map((arrival) => arrival.at)
    expect(later).toHaveLength(10)
    // The probe goes alone when the window ends; the rest of its window's quota once it answered.
    const windowEnd = start + 2_000
    expect(later[0]).toBeGreaterThanOrEqual(windowEnd)
    expect((later[1] as number) - (later[0] as number)).toBeGreaterThanOrEqual(10)
    expect(later.slice(1, 5).every((at) => at === later[1])).toBe(true)
    // Never more than the quota in a window: the sixth send after any one is a window later.
    for (let i = 0; i + 5 < later.length; i++) {
      expect((later[i + 5] as number) - (later[i] as number)).toBeGreaterThanOrEqual(2_000)
    }
    // And done within about two windows after the first one ended, not ten intervals.
    expect((later.at(-1) as number) - windowEnd).toBeLessThan(2_200)
    expect(log.of('floodWait').every((wait) => wait.willWait)).toBe(true)
    expect(clock.pending).toBe(0)
  })

  it('sends by the whole-second window inside the measure, falling back to the measure if refused', async () => {
    // Slow start, so the refusal comes a few round trips after the first accepted send.
    const discover = { pacing: { discoverMethods: ['m.send'] } }
    // A 1 s window: measured as (first accepted send to refusal) + 1 s, so about 1.02 s; the guess
    // is 1 s (plus the margin), which the server keeps.
    const whole = limitedSetup([5, 1_000], discover)
    const sent = Array.from({ length: 20 }, (_, i) => capture(whole.invoke('m.send', { i })))
    await whole.clock.advance(60_000)
    expect(sent.every((call) => call.value === 'ok')).toBe(true)
    const refusedAt = whole.server.arrivals.filter((arrival) => !arrival.ok).map((arrival) => arrival.at)
    const later = whole.server.arrivals.filter((arrival) => arrival.at > (refusedAt.at(-1) as number))
    expect(later.every((arrival) => arrival.ok)).toBe(true)
    for (let i = 0; i + 5 < later.length; i++) {
      const gap = (later[i + 5]?.at as number) - (later[i]?.at as number)
      expect(gap).toBeGreaterThanOrEqual(1_000)
      expect(gap).toBeLessThanOrEqual(1_025)
    }
    // A 1.05 s window with slow answers (30 ms): the measure is about 1.09 s, the guess 1 s is
    // refused once (a wait of 1 s), and the key goes on by the measure, still in bursts.
    const odd = limitedSetup([5, 1_050, 30], discover)
    const oddSent = Array.from({ length: 25 }, (_, i) => capture(odd.invoke('m.send', { i })))
    await odd.clock.advance(60_000)
    expect(oddSent.every((call) => call.value === 'ok')).toBe(true)
    const oddRefusals = odd.server.arrivals.filter((arrival) => !arrival.ok).map((arrival) => arrival.at)
    const opening = oddRefusals.filter((at) => at < (oddRefusals[0] as number) + 100)
    expect(oddRefusals.length - opening.length).toBe(1)
    const afterFallback = odd.server.arrivals.filter((arrival) => arrival.at > (oddRefusals.at(-1) as number))
    expect(afterFallback.every((arrival) => arrival.ok)).toBe(true)
    expect(new Set(afterFallback.map((arrival) => arrival.at)).size).toBeLessThan(afterFallback.length)
  })

  it('sends by windows only until a refusal contradicts the window measured, then evenly spaced', async () => {
    // 3 per 10 s with a 2 s penalty that forgives: the first refusal measures "3 per about 2 s",
    // far shorter than the real window, so the quota sent together at that window's edge is refused.
    const { clock, invoke, server } = limitedSetup([3, 10_000, 10, 2_000])
    const calls = Array.from({ length: 12 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(120_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    const refusals = server.arrivals.filter((arrival) => !arrival.ok).map((arrival) => arrival.at)
    const firstBurstEnd = refusals[0] as number
    const contradicted = refusals.find((at) => at > firstBurstEnd + 2_000) as number
    expect(contradicted).toBeDefined()
    // One window was sent together (the probe, then the rest of the quota at one instant)...
    const window = server.arrivals.filter(
      (arrival) => arrival.at > firstBurstEnd && arrival.at < contradicted,
    )
    expect(window.map((arrival) => arrival.ok)).toEqual([true, true, true])
    expect((window[2]?.at as number) - (window[1]?.at as number)).toBe(0)
    // ...and after the refusal that contradicted it, no two sends left closer than the pace.
    const after = server.arrivals.filter((arrival) => arrival.at > contradicted).map((arrival) => arrival.at)
    expect(after.length).toBeGreaterThan(3)
    for (let i = 1; i < after.length; i++) {
      expect((after[i] as number) - (after[i - 1] as number)).toBeGreaterThan(1_000)
    }
  })

  it('without pacing, the same burst is refused again when the window ends', async () => {
    const { clock, invoke, server } = limitedSetup([5, 2_000], { pacing: false, maxFloodWaits: 20 })
    const calls = Array.from({ length: 15 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(60_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    expect(server.refusals).toBeGreaterThan(10)
  })

  it('shrinks on a later refusal, grows back on success up to what was measured, and forgets after a quiet spell', async () => {
    const { clock, invoke, server } = limitedSetup([5, 2_000], {
      pacing: { forgetAfterMs: 60_000, growthRatio: 0.1 },
    })
    const rates: number[] = []
    invoke.on('paceChange', (event) => rates.push(event.ratePerSecond))
    const pace = () => invoke.pacingSnapshot().paces[0]
    const burst = Array.from({ length: 8 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(30_000)
    expect(burst.every((call) => call.value === 'ok')).toBe(true)
    const first = pace()
    // Five answered with the refusal, then a 2 s wait: 5 per 2 s, plus the 25 ms margin.
    expect(first?.ratePerSecond).toBeCloseTo(5 / 2.025, 2)
    // The server halves its limit: the next refusal shrinks the pace (x0.7 or the new measure).
    server.setMax(2)
    const run = Array.from({ length: 6 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(30_000)
    expect(run.every((call) => call.value === 'ok')).toBe(true)
    expect(rates.length).toBeGreaterThanOrEqual(2)
    const shrunk = pace()
    // The refusal shrank the pace (x0.7, or the new measure if lower); successes since may have
    // grown it back a little, never past the lowered ceiling.
    expect(rates[1]).toBeLessThan((first?.ratePerSecond ?? 0) * 0.71)
    expect(shrunk?.ceilingPerSecond).toBeLessThanOrEqual(first?.ceilingPerSecond ?? 0)
    // Success grows the pace back, never past its ceiling.
    server.setMax(100)
    await clock.advance(10_000)
    for (let i = 0; i < 30; i++) {
      const call = capture(invoke('m.send', { more: i }))
      await clock.advance(3_000)
      expect(call.value).toBe('ok')
    }
    const grown = pace()
    expect(grown?.ratePerSecond).toBeGreaterThan(shrunk?.ratePerSecond ?? 0)
    expect(grown?.ratePerSecond).toBeLessThanOrEqual((grown?.ceilingPerSecond ?? 0) + 1e-9)
    // A minute without a send on the key: the pace is forgotten, calls go unpaced again.
    await clock.advance(61_000)
    const after = capture(invoke('m.send', { after: 'quiet' }))
    await clock.advance(10)
    expect(after.value).toBe('ok')
    expect(invoke.pacingSnapshot().paces).toEqual([])
  })

  it('a refusal with no accepted send behind it is a floor that doubles on success until measured', async () => {
    let refused = false
    const { clock, invoke } = pacedSetup(() => ({
      send: () => {
        if (refused) return 'ok'
        refused = true
        throw rpc(420, 'FLOOD_WAIT_1')
      },
    }))
    const calls = Array.from({ length: 12 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(999)
    const floor = invoke.pacingSnapshot().paces[0]?.ratePerSecond ?? 0
    expect(floor).toBeCloseTo(1 / 1.025, 2)
    await clock.advance(6_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    expect(invoke.pacingSnapshot().paces[0]?.ratePerSecond).toBeGreaterThan(floor * 100)
  })
})

describe('pacing: slow start for methods known to meet flood limits', () => {
  it('starts with one send in flight and widens the window with each success', async () => {
    const { clock, invoke, server } = limitedSetup([1_000, 1_000, 10], {
      pacing: { discoverMethods: ['m.send'], maxInFlight: 16 },
    })
    const calls = Array.from({ length: 40 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(0)
    expect(server.arrivals).toHaveLength(1)
    await clock.advance(10)
    expect(server.arrivals).toHaveLength(3)
    await clock.advance(10)
    expect(server.arrivals).toHaveLength(7)
    await clock.advance(1_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    // Discovery ended once 16 could be in flight: the method bursts freely from then on.
    expect(invoke.pacingSnapshot().discovering).toEqual([])
    const burst = Array.from({ length: 30 }, (_, i) => capture(invoke('m.send', { again: i })))
    await clock.advance(0)
    expect(server.arrivals).toHaveLength(70)
    await clock.advance(10)
    expect(burst.every((call) => call.value === 'ok')).toBe(true)
  })

  it('meets a limit with a few refusals instead of the whole burst, and other methods burst freely', async () => {
    const { clock, invoke, server } = limitedSetup([5, 2_000, 10], {
      pacing: { discoverMethods: ['m.send'] },
    })
    const calls = Array.from({ length: 30 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(60_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    // Unpaced, 25 of the 30 would be refused; slow start overshoots by what was in flight when
    // the first refusal came back.
    expect(server.refusals).toBeLessThanOrEqual(6)
    const free = Array.from({ length: 10 }, (_, i) => capture(invoke('m.other', { i })))
    await clock.advance(0)
    // All ten leave at once (this fake server counts them against the same quota, so most are then
    // refused and paced like any other key).
    expect(server.arrivals.filter((arrival) => arrival.at === clock.now())).toHaveLength(10)
    await clock.advance(60_000)
    expect(free.every((call) => call.value === 'ok')).toBe(true)
  })

  it('gives a place in flight back when its call ends during the send', async () => {
    const sent: unknown[] = []
    const { clock, invoke } = pacedSetup(
      () => ({
        send: (request: SendRequest) => {
          sent.push(request.params)
          // The first send hangs until its call is aborted; the others answer at once.
          if ((request.params as { i: number }).i === 0) return new Promise(() => undefined)
          return 'ok'
        },
      }),
      { pacing: { discoverMethods: ['m.send'] } },
    )
    const controller = new AbortController()
    const first = capture(invoke('m.send', { i: 0 }, { signal: controller.signal }))
    const second = capture(invoke('m.send', { i: 1 }))
    await clock.advance(0)
    expect(sent).toHaveLength(1)
    controller.abort(new Error('gone'))
    await clock.advance(0)
    expect(first.error).toEqual(new Error('gone'))
    expect(second.value).toBe('ok')
  })

  it('uses the catalogue by default: messages.sendMessage starts in slow start', async () => {
    const { clock, invoke, server } = limitedSetup([100, 1_000], { catalog: { lookup } })
    const calls = Array.from({ length: 4 }, (_, i) => capture(invoke('messages.sendMessage', { i })))
    await clock.advance(0)
    expect(server.arrivals).toHaveLength(1)
    expect(invoke.pacingSnapshot().discovering).toEqual([
      { method: 'messages.sendMessage', inFlight: 1, limit: 1, waiting: 3 },
    ])
    await clock.advance(100)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
  })
})

describe('pacing: priorities, opt-out, and the call ending', () => {
  /** An invoker whose key `default|m.send` was refused once (FLOOD_WAIT_1), then probed: it is paced. */
  async function pacedKey(options: Options = {}) {
    let refusedOnce = false
    const sent: Array<{ at: number; label: unknown }> = []
    const made = pacedSetup(
      (c) => ({
        send: (request: SendRequest) => {
          const label = (request.params as { label?: unknown }).label
          if (!refusedOnce) {
            refusedOnce = true
            throw rpc(420, 'FLOOD_WAIT_1')
          }
          sent.push({ at: c.now(), label })
          return 'ok'
        },
      }),
      options,
    )
    const probe = capture(made.invoke('m.send', { label: 'probe' }))
    await made.clock.advance(1_000)
    expect(probe.value).toBe('ok')
    return { ...made, sent }
  }

  it('gives the next slots to interactive calls before bulk ones queued earlier', async () => {
    const { clock, invoke, sent } = await pacedKey()
    const bulk = Array.from({ length: 3 }, (_, i) =>
      capture(invoke('m.send', { label: `bulk${i}` }, { priority: 'bulk' })),
    )
    await clock.advance(0)
    const reply = capture(invoke('m.send', { label: 'reply' }))
    await clock.advance(20_000)
    expect([...bulk, reply].every((call) => call.value === 'ok')).toBe(true)
    expect(sent.map((entry) => entry.label)).toEqual(['probe', 'reply', 'bulk0', 'bulk1', 'bulk2'])
  })

  it('lets a call opt out of pacing (pace: false), and an invoker turn it off', async () => {
    const { clock, invoke, sent } = await pacedKey()
    const queued = Array.from({ length: 3 }, (_, i) => capture(invoke('m.send', { label: `q${i}` })))
    const urgent = capture(invoke('m.send', { label: 'urgent' }, { pace: false }))
    await clock.advance(0)
    expect(urgent.value).toBe('ok')
    expect(sent.map((entry) => entry.label)).toEqual(['probe', 'urgent'])
    await clock.advance(10_000)
    expect(queued.every((call) => call.value === 'ok')).toBe(true)
  })

  it('ends a paced call at once on abort, deadline and close(), giving its slot to the next call', async () => {
    const { clock, invoke, sent } = await pacedKey()
    const controller = new AbortController()
    const aborted = capture(invoke('m.send', { label: 'aborted' }, { signal: controller.signal }))
    const late = capture(invoke('m.send', { label: 'late' }, { deadlineMs: 500 }))
    const next = capture(invoke('m.send', { label: 'next' }))
    await clock.advance(0)
    controller.abort(new Error('stop'))
    await clock.advance(0)
    expect(aborted.error).toEqual(new Error('stop'))
    await clock.advance(500)
    expect(late.error).toBeDefined()
    expect(next.settled).toBe(false)
    // Neither ended call used a slot: the next one goes one interval after the probe, not three.
    await clock.advance(600)
    expect(next.value).toBe('ok')
    expect(sent.map((entry) => entry.label)).toEqual(['probe', 'next'])
    const closing = Array.from({ length: 6 }, (_, i) => capture(invoke('m.send', { label: `closed${i}` })))
    await clock.advance(0)
    invoke.close()
    await clock.advance(0)
    // Those still waiting for a turn end at once; none is left pending.
    expect(closing.every((call) => call.settled)).toBe(true)
    expect(closing.some((call) => call.error !== undefined)).toBe(true)
    expect(clock.pending).toBe(0)
  })

  it('delivers every call of a burst with the default budgets: a call waiting its turn is not failing', async () => {
    const { clock, invoke, log, server } = limitedSetup([5, 3_000, 5])
    const calls = Array.from({ length: 20 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(60_000)
    expect(
      calls.filter((call) => call.value !== 'ok').map((call) => detailsOf(call.error)?.giveUpReason),
    ).toEqual([])
    expect(log.of('giveUp')).toEqual([])
    // The burst met the limit once (15 refused in flight); the paced release was never refused.
    expect(server.refusals).toBe(15)
  })
})

describe('pacing: stores, events and reports', () => {
  it('books slots in the flood store when it also books them (duck-typed reserve), and falls back locally when it fails', async () => {
    const memory = createMemoryPaceStore()
    const booked: string[] = []
    let broken = false
    const floodStore = Object.assign(new MemoryFloodStore(), {
      reserve(limits: readonly PaceLimit[], now: number): PaceSlot {
        if (broken) throw new Error('store down')
        booked.push(limits[0]?.key ?? '')
        return memory.reserve(limits, now)
      },
    })
    let refused = false
    const { clock, invoke, log } = pacedSetup(
      () => ({
        send: () => {
          if (refused) return 'ok'
          refused = true
          throw rpc(420, 'FLOOD_WAIT_1')
        },
      }),
      { floodStore },
    )
    const calls = Array.from({ length: 3 }, (_, i) => capture(invoke('m.send', { i })))
    await clock.advance(1_000)
    expect(booked.length).toBeGreaterThan(0)
    expect(booked.every((key) => key === 'default|m.send')).toBe(true)
    broken = true
    await clock.advance(10_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    expect(log.of('storeError').length).toBeGreaterThan(0)
  })

  it('reports paced turns as events, and the pace in the snapshot and the diagnostic report', async () => {
    let refused = 0
    const { clock, invoke } = pacedSetup(() => ({
      send: (request: SendRequest) => {
        if ((request.params as { fail?: boolean }).fail) throw rpc(500, 'INTERNAL')
        if (refused++ === 0) throw rpc(420, 'FLOOD_WAIT_2')
        return 'ok'
      },
    }))
    const paced: unknown[] = []
    invoke.on('paceWait', (event) => paced.push(event))
    const calls = Array.from({ length: 3 }, (_, i) => capture(invoke('m.send', { i }, { priority: 'bulk' })))
    await clock.advance(20_000)
    expect(calls.every((call) => call.value === 'ok')).toBe(true)
    expect(paced.length).toBeGreaterThanOrEqual(2)
    expect(paced[0]).toMatchObject({ method: 'm.send', key: 'default|m.send', priority: 'bulk' })
    const [pace] = invoke.pacingSnapshot().paces
    expect(pace).toMatchObject({ key: 'default|m.send', method: 'm.send', scope: 'method', waiting: 0 })
    const failed = capture(invoke('m.send', { fail: true }, { maxAttempts: 1 }))
    await clock.advance(20_000)
    const report = detailsOf(failed.error)?.report
    expect(report?.pacing).toEqual([expect.objectContaining({ key: 'default|m.send' })])
    expect(report?.toText()).toContain('paced: default|m.send')
  })

  it('rejects tuning out of range with the option named', () => {
    expect(() => setup({ send: () => 'ok', pacing: { shrinkRatio: 1.5 } })).toThrow(/pacing\.shrinkRatio/)
    expect(() => setup({ send: () => 'ok', pacing: { initialInFlight: 0 } })).toThrow(
      /pacing\.initialInFlight/,
    )
  })
})
