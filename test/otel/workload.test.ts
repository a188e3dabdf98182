import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ATTR, instrument, METRIC, RPC_SYSTEM, SPAN_EVENT } from '../../src/otel/index.js'
import type { Invoker } from '../../src/recovery/invoker.js'
import type { Cluster } from '../../src/testkit/index.js'
import type { FakeClock } from '../recovery/helpers.js'
import { OtelHarness, type Point } from './harness.js'
import { FLOOD_WAIT_MS, runWorkload, startScriptedCluster } from './workload.js'

/**
 * A scripted workload over the plain testkit cluster, one call at a time: a migration, a flood
 * wait, a 500 run that ends in a give-up, and an input error.
 */
describe('instrument(invoker) over the testkit', () => {
  let clock: FakeClock
  let harness: OtelHarness
  let cluster: Cluster
  let invoke: Invoker
  let stops: Array<() => void>
  const outcomes: unknown[] = []

  beforeAll(async () => {
    harness = new OtelHarness()
    ;({ cluster, invoke, clock } = await startScriptedCluster())
    const providers = { tracerProvider: harness.tracerProvider, meterProvider: harness.meterProvider }
    stops = [instrument(invoke, { ...providers, recordDuration: true }), instrument(cluster, providers)]
    outcomes.push(...(await runWorkload(invoke, clock)))
  }, 60_000)

  afterAll(async () => {
    for (const stop of stops ?? []) stop()
    invoke?.close()
    await cluster?.stop()
    await harness?.close()
  })

  const spanOf = (index: number): ReadableSpan => harness.spans()[index] as ReadableSpan

  it('ends the workload as scripted (the premise of every other check)', () => {
    expect(outcomes[0]).toEqual({ id: 'alice' })
    expect(outcomes[1]).toMatchObject({ id: expect.any(Number) })
    expect(outcomes[2]).toMatchObject({ id: expect.any(Number) })
    expect(outcomes[3]).toMatchObject({ code: 500 })
    expect(outcomes[4]).toMatchObject({ code: 400, type: 'FIRSTNAME_INVALID' })
  })

  it('makes one client span per call, named for the method, with the RPC attributes', () => {
    const spans = harness.spans()
    expect(spans.map((span) => span.name)).toEqual([
      'users.getFullUser',
      'messages.sendMessage',
      'messages.sendMessage',
      'messages.getHistory',
      'account.updateProfile',
    ])
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT)
      expect(span.attributes[ATTR.rpcSystem]).toBe(RPC_SYSTEM)
      expect(span.attributes[ATTR.account]).toBe('alice')
      // Parameters are not recorded unless asked for.
      expect(span.attributes[ATTR.params]).toBeUndefined()
    }
  })

  it('records the migration: two sends, the redirect as an event, the final DC', () => {
    const span = spanOf(0)
    expect(span.attributes).toMatchObject({
      [ATTR.outcome]: 'ok',
      [ATTR.attempts]: 2,
      [ATTR.finalDc]: 2,
      [ATTR.waitedMs]: 0,
    })
    expect(span.events.map((event) => event.name)).toEqual([SPAN_EVENT.attemptFailed, SPAN_EVENT.redirect])
    expect(span.events[0]?.attributes?.[ATTR.errorType]).toBe('USER_MIGRATE_%d')
    expect(span.events[1]?.attributes).toMatchObject({ [ATTR.toDc]: 2, [ATTR.migrateKind]: 'USER' })
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR)
  })

  it('records the flood wait on the second message: the wait as an event, the time waited', () => {
    expect(spanOf(1).attributes).toMatchObject({ [ATTR.attempts]: 1, [ATTR.waitedMs]: 0 })
    const span = spanOf(2)
    expect(span.attributes).toMatchObject({
      [ATTR.outcome]: 'ok',
      [ATTR.attempts]: 2,
      [ATTR.waitedMs]: FLOOD_WAIT_MS,
      [ATTR.dc]: 2,
    })
    expect(span.events.map((event) => event.name)).toEqual([SPAN_EVENT.attemptFailed, SPAN_EVENT.wait])
    expect(span.events[1]?.attributes).toMatchObject({
      [ATTR.waitReason]: 'flood',
      [ATTR.waitMs]: FLOOD_WAIT_MS,
    })
  })

  it('records the 500 run: five sends, four backoffs, the give-up reason and an error status', () => {
    const span = spanOf(3)
    expect(span.attributes).toMatchObject({
      [ATTR.outcome]: 'internal',
      [ATTR.attempts]: 5,
      // Backoff with random() = 0.5 is the nominal delay: 1 + 2 + 4 + 8 seconds.
      [ATTR.waitedMs]: 15_000,
      [ATTR.giveUpReason]: 'attempts-exhausted',
      [ATTR.errorType]: 'INTERNAL_SERVER_ERROR',
    })
    const waits = span.events.filter((event) => event.name === SPAN_EVENT.wait)
    expect(waits.map((event) => event.attributes?.[ATTR.waitMs])).toEqual([1000, 2000, 4000, 8000])
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'INTERNAL_SERVER_ERROR' })
  })

  it('records the input error: one send, not retryable, the error type', () => {
    const span = spanOf(4)
    expect(span.attributes).toMatchObject({
      [ATTR.outcome]: 'bad_request',
      [ATTR.attempts]: 1,
      [ATTR.giveUpReason]: 'not-retryable',
      [ATTR.errorType]: 'FIRSTNAME_INVALID',
    })
    expect(span.events).toEqual([])
  })

  it('counts calls by method and outcome, and records as many durations', async () => {
    const series = (points: Point[]) =>
      points
        .map((point) => [point.attributes[ATTR.rpcMethod], point.attributes[ATTR.outcome], point.value])
        .sort()
    const calls = await harness.points(METRIC.calls)
    expect(series(calls)).toEqual(
      [
        ['account.updateProfile', 'bad_request', 1],
        ['messages.getHistory', 'internal', 1],
        ['messages.sendMessage', 'ok', 2],
        ['users.getFullUser', 'ok', 1],
      ].sort(),
    )
    expect(calls.every((point) => point.attributes[ATTR.account] === 'alice')).toBe(true)
    const durations = await harness.points(METRIC.callDuration)
    expect(series(durations)).toEqual(series(calls))
    // Durations are real time on loopback, waits included only as fake time: positive, and short.
    for (const point of durations) expect((point.sum ?? 0) / (point.count ?? 1)).toBeGreaterThan(0)
  })

  it('counts the flood wait, its seconds, the retries, the migration and the give-ups', async () => {
    const flood = await harness.points(METRIC.floodWaits)
    expect(flood).toHaveLength(1)
    expect(flood[0]?.attributes).toEqual({
      [ATTR.rpcMethod]: 'messages.sendMessage',
      [ATTR.account]: 'alice',
      // The catalogue counts FLOOD_WAIT_X against the method: the window was keyed so.
      [ATTR.floodScope]: 'method',
    })
    expect(flood[0]?.value).toBe(1)
    const seconds = await harness.points(METRIC.floodWaitDuration)
    expect(seconds.map((point) => [point.count, point.sum])).toEqual([[1, FLOOD_WAIT_MS / 1000]])
    expect(await harness.points(METRIC.retries)).toEqual([
      {
        attributes: {
          [ATTR.rpcMethod]: 'messages.getHistory',
          [ATTR.account]: 'alice',
          [ATTR.retryCause]: 'internal',
        },
        value: 4,
      },
    ])
    expect(await harness.value(METRIC.migrations, { [ATTR.migrateKind]: 'USER' })).toBe(1)
    expect(await harness.value(METRIC.giveUps, { [ATTR.giveUpReason]: 'attempts-exhausted' })).toBe(1)
    expect(await harness.value(METRIC.giveUps, { [ATTR.giveUpReason]: 'not-retryable' })).toBe(1)
    expect(await harness.value(METRIC.giveUps)).toBe(2)
    expect(await harness.points(METRIC.held)).toEqual([])
    expect(await harness.points(METRIC.refused)).toEqual([])
  })

  it("exports the testkit's own counters, equal to its report", async () => {
    const report = cluster.report()
    expect(report).toMatchObject({ floodViolations: 0, injectedFaults: 5, migrations: 1 })
    expect(await harness.value(METRIC.testkitCalls)).toBe(report.calls)
    expect(await harness.value(METRIC.testkitViolations)).toBe(0)
    expect(await harness.value(METRIC.testkitFaults)).toBe(5)
    expect(await harness.value(METRIC.testkitMigrations)).toBe(1)
    const errors = await harness.points(METRIC.testkitErrors)
    expect(
      Object.fromEntries(errors.map((point) => [point.attributes[ATTR.errorType], point.value])),
    ).toEqual(report.errorsByType)
  })
})
