import { afterEach, describe, expect, it } from 'vitest'
import { ATTR, instrument, METRIC } from '../../src/otel/index.js'
import { resolveInstruments } from '../../src/otel/options.js'
import { instrumentPacing } from '../../src/otel/pacing.js'
import type { PaceSnapshot } from '../../src/recovery/pacing-service.js'
import { createTestkitInvoker, startCluster } from '../../src/testkit/index.js'
import { FakeClock } from '../recovery/helpers.js'
import { OtelHarness } from './harness.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Moves the fake clock in small steps, with a real pause for the loopback sockets, until `done()`. */
async function stepUntil(clock: FakeClock, done: () => boolean, stepMs = 50): Promise<void> {
  for (let step = 0; step < 2000 && !done(); step++) {
    await clock.advance(stepMs)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  if (!done()) throw new Error('the workload did not reach the state the test waits for')
}

describe('instrument(invoker): the learned paces, over the testkit', () => {
  it('reports each paced key as the invoker sees it: rate, ceiling, next free slot, calls waiting', async () => {
    const harness = new OtelHarness()
    const clock = new FakeClock()
    const cluster = await startCluster({
      accounts: { alice: { homeDcId: 2, authorizedOn: [2] } },
      floodRules: [
        { method: 'messages.sendMessage', scope: 'method', maxCalls: 3, windowMs: 6000, waitMs: 6000 },
      ],
      now: () => clock.now(),
    })
    const invoke = createTestkitInvoker(cluster, {
      account: 'alice',
      defaultDcId: 2,
      clock,
      random: () => 0.5,
    })
    const stop = instrument(invoke, { meterProvider: harness.meterProvider })
    cleanups.push(
      harness.close.bind(harness),
      () => cluster.stop(),
      () => invoke.close(),
      stop,
    )

    expect(await harness.points(METRIC.pacingKeys)).toEqual([])
    // A burst of 10 to three peers: the server takes 3 per 6 s, refuses the 4th, and the engine
    // learns a pace on the method's key; the rest wait their turn on it.
    const outcomes: unknown[] = []
    for (let i = 0; i < 10; i++) {
      const peer = `user:${['bob', 'carol', 'dave'][i % 3]}`
      invoke('messages.sendMessage', { peer, message: `${i}` }).then(
        () => outcomes.push('ok'),
        (error: unknown) => outcomes.push(error),
      )
    }
    // Until calls queue behind a slot that is not due yet.
    await stepUntil(
      clock,
      () => invoke.pacingSnapshot().paces.some((pace) => pace.waiting > 1 && pace.nextSlotAt > clock.now()),
      10,
    )

    const [pace] = invoke.pacingSnapshot().paces as [PaceSnapshot]
    expect(invoke.pacingSnapshot().paces).toHaveLength(1)
    const attributes = {
      [ATTR.rpcMethod]: 'messages.sendMessage',
      [ATTR.floodScope]: 'method',
      [ATTR.account]: 'alice',
    }
    const only = async (name: string) => {
      const points = await harness.points(name)
      expect(points.map((point) => point.attributes)).toEqual([attributes])
      return points[0]?.value
    }
    expect(await only(METRIC.pacingKeys)).toBe(1)
    expect(await only(METRIC.pacingRate)).toBe(pace.ratePerSecond)
    expect(await only(METRIC.pacingCeiling)).toBe(pace.ceilingPerSecond)
    expect(await only(METRIC.pacingWaiting)).toBe(pace.waiting)
    expect(await only(METRIC.pacingNextSlotDelay)).toBe((pace.nextSlotAt - clock.now()) / 1000)
    // The pace is about what the server allows (3 per 6 s), and a call is queued behind the slot.
    expect(pace.ratePerSecond).toBeGreaterThan(0.2)
    expect(pace.ratePerSecond).toBeLessThan(1)
    expect(pace.nextSlotAt).toBeGreaterThan(clock.now())

    await stepUntil(clock, () => outcomes.length === 10, 250)
    expect(outcomes).toEqual(Array(10).fill('ok'))
    expect(await only(METRIC.pacingWaiting)).toBe(0)
    expect(cluster.report().floodViolations).toBe(0)
  }, 60_000)

  it('folds the keys of one method and scope into one series: no peer ever becomes a label', async () => {
    const harness = new OtelHarness()
    cleanups.push(harness.close.bind(harness))
    const clock = new FakeClock()
    const pace = (key: string, rate: number, nextSlotAt: number, waiting: number): PaceSnapshot => ({
      key,
      method: 'messages.sendMessage',
      scope: 'peer',
      ratePerSecond: rate,
      ceilingPerSecond: rate * 2,
      nextSlotAt,
      waiting,
      changedAt: 0,
    })
    const invoker = {
      account: 'alice',
      clock,
      pacingSnapshot: () => ({
        paces: [
          pace('alice|messages.sendMessage|peer=user:bob', 0.5, clock.now() + 4000, 2),
          pace('alice|messages.sendMessage|peer=user:carol', 2, clock.now(), 1),
          { ...pace('alice|*', 30, clock.now() + 100, 0), method: '*', scope: 'account' as const },
        ],
        discovering: [],
      }),
    }
    const stop = instrumentPacing(invoker, resolveInstruments({ meterProvider: harness.meterProvider }))
    cleanups.push(stop)
    const byMethod = async (name: string) =>
      Object.fromEntries(
        (await harness.points(name)).map((point) => [
          `${point.attributes[ATTR.rpcMethod]} ${point.attributes[ATTR.floodScope]}`,
          point.value,
        ]),
      )
    expect(await byMethod(METRIC.pacingKeys)).toEqual({ 'messages.sendMessage peer': 2, '* account': 1 })
    expect(await byMethod(METRIC.pacingRate)).toEqual({ 'messages.sendMessage peer': 0.5, '* account': 30 })
    expect(await byMethod(METRIC.pacingCeiling)).toEqual({ 'messages.sendMessage peer': 1, '* account': 60 })
    expect(await byMethod(METRIC.pacingNextSlotDelay)).toEqual({
      'messages.sendMessage peer': 4,
      '* account': 0.1,
    })
    expect(await byMethod(METRIC.pacingWaiting)).toEqual({ 'messages.sendMessage peer': 3, '* account': 0 })
    const labels = JSON.stringify((await harness.points(METRIC.pacingRate)).map((point) => point.attributes))
    expect(labels).not.toContain('bob')
    expect(labels).not.toContain('carol')
  })
})
