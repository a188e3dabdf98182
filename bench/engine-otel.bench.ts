/**
 * What `mtproto-errors/otel` adds to a successful call, in two phases, each against its own
 * baseline (the same invoker call without instrumentation):
 *   1. no SDK registered: `instrument(invoke)` with the global no-op providers (the target:
 *      no measurable cost);
 *   2. an SDK registered as NodeSDK would: a tracer provider exporting every span (to an exporter
 *      that drops them), a meter provider with a reader, and the AsyncLocalStorage context manager
 *      (target: under 1 µs more per call). A third row does the SDK work an instrumented call asks
 *      for inline, without us: the difference between it and the instrumented row is our own part.
 * The phases run in that order because the context manager, once enabled, slows every promise of
 * the process, instrumented or not; phase 2's baseline includes that cost, which is the SDK's.
 *
 * Run: `npm run bench engine` (this file matches), or `node --import tsx bench/engine-otel.bench.ts`.
 */
import { context, SpanKind, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { Bench } from 'tinybench'
import { createInvoker } from '../src/index.js'
import { instrument } from '../src/otel/index.js'

const ROUNDS = 9
const result = { _: 'updateShortSentMessage', id: 1, pts: 2, ptsCount: 1, date: 1_700_000_000 }
const send = (): Promise<unknown> => Promise.resolve(result)
const params = { peer: { _: 'inputPeerSelf' }, message: 'hello', randomId: 1n }

/** Median ns per call of each task, and of its difference to `baseline`, over alternating rounds. */
async function measure(tasks: Record<string, () => Promise<unknown>>, baseline: string) {
  const samples = new Map<string, number[]>(Object.keys(tasks).map((name) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: 250, warmup: true, warmupTime: 100 })
    for (const [name, fn] of Object.entries(tasks)) bench.add(name, async () => void (await fn()))
    await bench.run()
    for (const task of bench.tasks) {
      const latency = task.result && 'latency' in task.result ? task.result.latency : undefined
      if (latency === undefined) throw new Error(`no result for ${task.name}`)
      samples.get(task.name)?.push(latency.mean * 1e6)
    }
  }
  const median = (values: readonly number[]) =>
    [...values].sort((a, b) => a - b)[values.length >> 1] as number
  const base = samples.get(baseline) as number[]
  return [...samples].map(([task, ns]) => ({
    task,
    'ns/call (median)': Math.round(median(ns)),
    'overhead ns (median)': Math.round(median(ns.map((value, i) => value - (base[i] as number)))),
  }))
}

// Phase 1: no SDK. The instrumented invoker takes the global providers, which are no-ops.
const plain = createInvoker({ send })
const noSdk = createInvoker({ send })
instrument(noSdk)
const phase1 = await measure(
  {
    'invoke (default chain)': () => plain('messages.sendMessage', params),
    'invoke, instrumented, no SDK': () => noSdk('messages.sendMessage', params),
  },
  'invoke (default chain)',
)

// Phase 2: an SDK that records everything and exports it nowhere.
const dropSpans: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} }
const dropMetrics: PushMetricExporter = {
  export: (_metrics, done) => done({ code: 0 }),
  shutdown: async () => {},
  forceFlush: async () => {},
}
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropSpans)] })
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: dropMetrics, exportIntervalMillis: 1000 })],
})
const withSdk = createInvoker({ send })
instrument(withSdk, { tracerProvider, meterProvider })
// The SDK's part alone: the plain call plus the SDK work one instrumented call asks for (a span
// with the same attributes, made active, and one histogram record), written inline.
const tracer = tracerProvider.getTracer('floor')
const histogram = meterProvider.getMeter('floor').createHistogram('floor', { unit: 's' })
const sdkFloor = async () => {
  const attributes = {
    'rpc.system': 'mtproto',
    'rpc.method': 'messages.sendMessage',
    'mtproto.account': 'default',
  }
  const span = tracer.startSpan('messages.sendMessage', { kind: SpanKind.CLIENT, attributes })
  const value = await context.with(trace.setSpan(context.active(), span), () =>
    plain('messages.sendMessage', params),
  )
  histogram.record(0.000_001, {
    'rpc.method': 'messages.sendMessage',
    'mtproto.outcome': 'ok',
    'mtproto.account': 'default',
  })
  span.setAttributes({ 'mtproto.outcome': 'ok', 'mtproto.attempts': 1, 'mtproto.waited_ms': 0 })
  span.end()
  return value
}
const phase2 = await measure(
  {
    'invoke (default chain), SDK present': () => plain('messages.sendMessage', params),
    'invoke + the same SDK work inline': sdkFloor,
    'invoke, instrumented, SDK registered': () => withSdk('messages.sendMessage', params),
  },
  'invoke (default chain), SDK present',
)
await meterProvider.shutdown()
await tracerProvider.shutdown()

console.table([...phase1, ...phase2])
const noSdkOverhead = phase1[1]?.['overhead ns (median)'] as number
const floor = phase2[1]?.['overhead ns (median)'] as number
const sdkOverhead = phase2[2]?.['overhead ns (median)'] as number
console.log(
  `otel overhead per successful call: ${noSdkOverhead} ns without an SDK, ${sdkOverhead} ns with one ` +
    `(target < 1000 ns), of which the SDK's own work is ${floor} ns; median of ${ROUNDS} rounds`,
)
