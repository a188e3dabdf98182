import { context, metrics, trace } from '@opentelemetry/api'
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { botApiTransformer } from '../../src/adapters/grammy/index.js'
import { createBreakerPolicy, createPool, defaultPolicies } from '../../src/index.js'
import { BoundedLabels, OTHER_LABEL } from '../../src/otel/bounded-label.js'
import { ATTR, BREAKER_STATE_VALUE, instrument, METRIC, SPAN_EVENT } from '../../src/otel/index.js'
import { capture, FakeClock, rpc, setup, unauthorizedOn } from '../recovery/helpers.js'
import { OtelHarness } from './harness.js'

let harness: OtelHarness
let providers: { tracerProvider: OtelHarness['tracerProvider']; meterProvider: OtelHarness['meterProvider'] }

beforeEach(() => {
  harness = new OtelHarness()
  providers = { tracerProvider: harness.tracerProvider, meterProvider: harness.meterProvider }
})

afterEach(async () => {
  await harness.close()
})

describe('instrument(invoker): traces', () => {
  it("makes the caller's active span the parent of the call's span", async () => {
    const { invoke } = setup({ account: 'alice', send: () => 'ok' })
    instrument(invoke, providers)
    const parent = harness.tracerProvider.getTracer('app').startSpan('handle update')
    await context.with(trace.setSpan(context.active(), parent), () => invoke('users.getUsers', {}))
    parent.end()
    const [call] = harness.spans()
    expect(call?.name).toBe('users.getUsers')
    expect(call?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId)
    expect(call?.spanContext().traceId).toBe(parent.spanContext().traceId)
  })

  it('puts each event on the span of its own call when calls overlap', async () => {
    const clock = new FakeClock()
    // Call `a` meets a 500 (retried after 1 s), call `b` a flood wait of 2 s; both are in flight at once.
    const seen = new Map<string, number>()
    const { invoke } = setup({
      account: 'alice',
      clock,
      send: (request) => {
        const count = (seen.get(request.method) ?? 0) + 1
        seen.set(request.method, count)
        if (count > 1) return 'ok'
        throw request.method === 'a.first' ? rpc(500, 'INTERNAL_SERVER_ERROR') : rpc(420, 'FLOOD_WAIT_2')
      },
    })
    instrument(invoke, providers)
    const a = capture(invoke('a.first', {}))
    const b = capture(invoke('b.second', {}))
    await clock.advance(5000)
    expect(a.value).toBe('ok')
    expect(b.value).toBe('ok')
    const byName = new Map(harness.spans().map((span) => [span.name, span]))
    const eventsOf = (name: string) =>
      byName.get(name)?.events.map((event) => [event.name, event.attributes?.[ATTR.waitReason]])
    expect(eventsOf('a.first')).toEqual([
      [SPAN_EVENT.attemptFailed, undefined],
      [SPAN_EVENT.wait, 'backoff'],
    ])
    expect(eventsOf('b.second')).toEqual([
      [SPAN_EVENT.attemptFailed, undefined],
      [SPAN_EVENT.wait, 'flood'],
    ])
    expect(byName.get('b.second')?.attributes[ATTR.waitedMs]).toBe(2000)
  })

  it('counts the repeat after a 401 re-authorization among the attempts of a successful call', async () => {
    const { invoke } = setup({ account: 'alice', homeDcId: 2, ...unauthorizedOn(4, 'file') })
    instrument(invoke, providers)
    await expect(invoke('upload.getFile', {}, { dcId: 4 })).resolves.toBe('file')
    await expect(invoke('upload.getFile', {}, { dcId: 4 })).resolves.toBe('file')
    expect(harness.spans().map((span) => span.attributes[ATTR.attempts])).toEqual([2, 1])
    expect(harness.spans()[0]?.events.map((event) => [event.name, event.attributes])).toEqual([
      [SPAN_EVENT.authorize, { [ATTR.dc]: 4, [ATTR.authorizeResult]: 'done', [ATTR.waitMs]: 0 }],
    ])
  })

  it('records no parameters by default, and redacted ones when asked', async () => {
    const { invoke } = setup({ account: 'alice', send: () => 'ok' })
    instrument(invoke, { ...providers, recordParams: true })
    await invoke('auth.sendCode', { phone_number: '+15550102030', api_hash: 'secret-hash' })
    const recorded = String(harness.spans()[0]?.attributes[ATTR.params])
    expect(recorded).not.toContain('15550102030')
    expect(recorded).not.toContain('secret-hash')
    expect(recorded).toContain('phone_number')

    const plain = setup({ account: 'alice', send: () => 'ok' }).invoke
    instrument(plain, providers)
    await plain('auth.sendCode', { phone_number: '+15550102030' })
    expect(harness.spans()[1]?.attributes[ATTR.params]).toBeUndefined()
  })

  it('leaves the account out of spans and metrics when told to', async () => {
    const { invoke } = setup({ account: 'alice', send: () => 'ok' })
    instrument(invoke, { ...providers, recordAccount: false })
    await invoke('users.getUsers', {})
    expect(harness.spans()[0]?.attributes[ATTR.account]).toBeUndefined()
    const points = await harness.points(METRIC.calls)
    expect(points.map((point) => point.attributes)).toEqual([
      { [ATTR.rpcMethod]: 'users.getUsers', [ATTR.outcome]: 'ok' },
    ])
  })

  it('labels an aborted call as aborted', async () => {
    const clock = new FakeClock()
    const { invoke } = setup({ account: 'alice', clock, send: () => new Promise(() => undefined) })
    instrument(invoke, providers)
    const controller = new AbortController()
    const call = capture(invoke('messages.getHistory', {}, { signal: controller.signal }))
    await clock.advance(0)
    controller.abort()
    await clock.advance(0)
    expect(call.settled).toBe(true)
    expect(await harness.value(METRIC.calls, { [ATTR.outcome]: 'aborted' })).toBe(1)
  })

  it('counts a call refused locally by a known window, with no send and a refused event', async () => {
    const sent: string[] = []
    const { invoke } = setup({
      account: 'alice',
      send: (request) => {
        sent.push(request.method)
        throw rpc(420, 'FLOOD_WAIT_30')
      },
    })
    instrument(invoke, providers)
    const options = { maxFloodWaitMs: 0 }
    await expect(invoke('contacts.search', { q: 'a' }, options)).rejects.toMatchObject({ code: 420 })
    await expect(invoke('contacts.search', { q: 'a' }, options)).rejects.toMatchObject({ code: 420 })
    expect(sent).toEqual(['contacts.search'])
    expect(await harness.value(METRIC.refused, { [ATTR.rpcMethod]: 'contacts.search' })).toBe(1)
    expect(await harness.value(METRIC.floodWaits)).toBe(1)
    expect(await harness.value(METRIC.giveUps, { [ATTR.giveUpReason]: 'flood-wait-too-long' })).toBe(2)
    const refused = harness.spans()[1]
    expect(refused?.events.map((event) => event.name)).toEqual([SPAN_EVENT.refused])
    expect(refused?.attributes[ATTR.attempts]).toBe(0)
  })

  it('stops: no span, count or event metric after the returned function runs; stopping twice is harmless', async () => {
    const clock = new FakeClock()
    let sends = 0
    const { invoke } = setup({
      account: 'alice',
      clock,
      send: () => {
        sends++
        if (sends === 2) throw rpc(500, 'INTERNAL_SERVER_ERROR')
        return 'ok'
      },
    })
    const stop = instrument(invoke, providers)
    await invoke('users.getUsers', {})
    stop()
    stop()
    const after = capture(invoke('users.getUsers', {}))
    await clock.advance(5000)
    expect(after.value).toBe('ok')
    expect(sends).toBe(3)
    expect(harness.spans()).toHaveLength(1)
    expect(await harness.value(METRIC.calls)).toBe(1)
    expect(await harness.points(METRIC.retries)).toEqual([])
  })
})

describe('instrument: without an SDK', () => {
  it('is a no-op with the global providers: the call still returns, nothing is recorded', async () => {
    const { invoke } = setup({ account: 'alice', send: () => 'ok' })
    const stop = instrument(invoke)
    await expect(invoke('users.getUsers', {})).resolves.toBe('ok')
    await expect(invoke('users.getUsers', {})).resolves.toBe('ok')
    stop()
    expect(harness.spans()).toEqual([])
  })
})

describe('instrument: providers', () => {
  it('takes the global providers when none is given, once an SDK registered them', async () => {
    trace.setGlobalTracerProvider(harness.tracerProvider)
    metrics.setGlobalMeterProvider(harness.meterProvider)
    try {
      const { invoke } = setup({ account: 'alice', send: () => 'ok' })
      instrument(invoke)
      await invoke('users.getUsers', {})
      expect(harness.spans().map((span) => span.name)).toEqual(['users.getUsers'])
      expect(await harness.value(METRIC.calls)).toBe(1)
    } finally {
      trace.disable()
      metrics.disable()
    }
  })

  it('counts calls without spans when only a meter provider is there', async () => {
    const { invoke } = setup({ account: 'alice', send: () => 'ok' })
    instrument(invoke, { meterProvider: harness.meterProvider })
    await invoke('users.getUsers', {})
    expect(harness.spans()).toEqual([])
    expect(await harness.value(METRIC.calls, { [ATTR.outcome]: 'ok' })).toBe(1)
  })
})

describe('instrument: what a call costs the SDK', () => {
  it('records no duration unless asked, and counts calls of one account label on one meter together', async () => {
    const first = setup({ account: 'alice', send: () => 'ok' }).invoke
    const second = setup({ account: 'alice', send: () => 'ok' }).invoke
    instrument(first, { meterProvider: harness.meterProvider })
    instrument(second, { meterProvider: harness.meterProvider, recordDuration: true })
    await first('users.getUsers', {})
    await second('users.getUsers', {})
    await second('users.getUsers', {})
    expect(await harness.points(METRIC.calls)).toEqual([
      {
        attributes: { [ATTR.rpcMethod]: 'users.getUsers', [ATTR.outcome]: 'ok', [ATTR.account]: 'alice' },
        value: 3,
      },
    ])
    expect(await harness.value(METRIC.callDuration)).toBe(2)
  })

  it('runs a sampled-out call under its span, so spans made inside it are sampled out too', async () => {
    const tracerProvider = new BasicTracerProvider({
      sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }),
      spanProcessors: [new SimpleSpanProcessor(harness.spanExporter)],
    })
    const inner = harness.tracerProvider.getTracer('http client')
    let innerRecorded: boolean | undefined
    const { invoke } = setup({
      account: 'alice',
      send: () => {
        const span = inner.startSpan('POST')
        innerRecorded = span.isRecording()
        span.end()
        return 'ok'
      },
    })
    instrument(invoke, { tracerProvider, meterProvider: harness.meterProvider })
    await expect(invoke('users.getUsers', {})).resolves.toBe('ok')
    // The harness's own tracer would record a root span: only the sampled-out parent stops it.
    expect(innerRecorded).toBe(false)
    expect(harness.spans()).toEqual([])
    expect(await harness.value(METRIC.calls)).toBe(1)
  })
})

describe('instrument: other targets', () => {
  it('instruments an adapter through its invoker (the grammY transformer)', async () => {
    const transformer = botApiTransformer({ token: '1:x' })
    instrument(transformer, providers)
    const prev = async () => ({ ok: true as const, result: 'sent' })
    await transformer(prev as never, 'sendMessage', { chat_id: 1, text: 'hi' } as never)
    expect(harness.spans().map((span) => span.name)).toEqual(['sendMessage'])
    expect(await harness.value(METRIC.calls, { [ATTR.rpcMethod]: 'sendMessage', [ATTR.outcome]: 'ok' })).toBe(
      1,
    )
  })

  it("reports a breaker's circuits as a gauge and counts its transitions", async () => {
    const clock = new FakeClock()
    const breaker = createBreakerPolicy({ failureThreshold: 1, openMs: 10_000 })
    const { invoke } = setup({
      account: 'alice',
      clock,
      homeDcId: 2,
      maxAttempts: 1,
      policies: defaultPolicies({ breaker }),
      send: () => {
        throw rpc(500, 'INTERNAL_SERVER_ERROR')
      },
    })
    instrument(breaker, providers)
    capture(invoke('messages.getHistory', {}))
    await clock.advance(0)
    expect(await harness.points(METRIC.breakerState)).toEqual([
      { attributes: { [ATTR.dc]: '2' }, value: BREAKER_STATE_VALUE.open },
    ])
    expect(
      await harness.value(METRIC.breakerTransitions, { [ATTR.dc]: '2', [ATTR.breakerState]: 'open' }),
    ).toBe(1)
  })

  it("instruments a pool: its accounts' calls, its moves, and live and dead accounts", async () => {
    const clock = new FakeClock()
    const make = (account: string, answer: () => unknown) =>
      setup({ account, clock, homeDcId: 1, send: answer }).invoke
    const alice = make('alice', () => {
      throw rpc(420, 'FLOOD_WAIT_30')
    })
    const bob = make('bob', () => 'ok')
    const pool = createPool({ accounts: [alice, bob], clock })
    instrument(pool, providers)
    const call = capture(pool('contacts.resolveUsername', { username: 'durov' }))
    await clock.advance(0)
    expect(call.value).toBe('ok')
    expect(
      await harness.value(METRIC.poolMoves, { [ATTR.account]: 'alice', [ATTR.poolReason]: 'flood' }),
    ).toBe(1)
    expect(await harness.value(METRIC.floodWaits, { [ATTR.account]: 'alice' })).toBe(1)
    expect(await harness.value(METRIC.calls, { [ATTR.account]: 'bob', [ATTR.outcome]: 'ok' })).toBe(1)
    expect(await harness.value(METRIC.poolAccounts, { [ATTR.poolAccountState]: 'live' })).toBe(2)
    expect(await harness.value(METRIC.poolAccounts, { [ATTR.poolAccountState]: 'dead' })).toBe(0)
  })

  it('refuses what it cannot instrument, with a message saying what it takes', () => {
    expect(() => instrument({} as never, providers)).toThrow(/expected an invoker/)
    expect(() => instrument(null as never, providers)).toThrow(TypeError)
  })

  it('answers any value with a TypeError or a working stop function, never anything else', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (value) => {
        let stop: (() => void) | undefined
        try {
          stop = instrument(value as never, providers)
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError)
          return
        }
        expect(typeof stop).toBe('function')
        stop()
      }),
    )
  })
})

describe('BoundedLabels', () => {
  it('never yields more than its limit of distinct labels, plus `other`, whatever it is fed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.string(), { maxLength: 200 }),
        (max, values) => {
          const labels = new BoundedLabels(max)
          const seen = new Set(values.map((value) => labels.of(value)))
          seen.delete(OTHER_LABEL)
          expect(seen.size).toBeLessThanOrEqual(max)
        },
      ),
    )
  })

  it('keeps method names as they are and folds malformed ones', () => {
    const labels = new BoundedLabels(10)
    expect(labels.of('messages.sendMessage')).toBe('messages.sendMessage')
    expect(labels.of('sendMessage')).toBe('sendMessage')
    expect(labels.of('peer=+15550102030')).toBe(OTHER_LABEL)
  })
})
