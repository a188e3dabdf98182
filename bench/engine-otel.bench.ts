/**
 * What `mtproto-errors/otel` adds to a successful call, in two phases, each against its own
 * baseline (the same invoker call without instrumentation):
 *   1. no SDK registered: `instrument(invoke)` with the global no-op providers (the issue's target:
 *      no measurable cost);
 *   2. an SDK registered as NodeSDK would: a tracer provider exporting every span (to an exporter
 *      that drops them), a meter provider with a reader, and the AsyncLocalStorage context manager
 *      (target: under 1 µs more per call).
 * The phases run in that order because the context manager, once enabled, slows every promise of
 * the process, instrumented or not; phase 2's baseline includes that cost, which is the SDK's.
 *
 * Run: `npm run bench engine` (this file matches), or `node --import tsx bench/engine-otel.bench.ts`.
 */
import { context } from '@opentelemetry/api'
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
const phase2 = await measure(
  {
    'invoke (default chain), SDK present': () => plain('messages.sendMessage', params),
    'invoke, instrumented, SDK registered': () => withSdk('messages.sendMessage', params),
  },
  'invoke (default chain), SDK present',
)
await meterProvider.shutdown()
await tracerProvider.shutdown()

console.table([...phase1, ...phase2])
const noSdkOverhead = phase1[1]?.['overhead ns (median)'] as number
const sdkOverhead = phase2[1]?.['overhead ns (median)'] as number
console.log(
  `otel overhead per successful call: ${noSdkOverhead} ns without an SDK, ${sdkOverhead} ns with one ` +
    `(target < 1000 ns), median of ${ROUNDS} rounds`,
)
