/**
 * What `mtproto-errors/otel` adds to a successful call, in two phases:
 *   1. no SDK registered: `instrument(invoke)` with the global no-op providers, against the same
 *      call not instrumented (the target: no measurable cost);
 *   2. an SDK registered as NodeSDK would (the AsyncLocalStorage context manager, a batch span
 *      processor whose exporter drops what it gets, a meter provider with a reader), in the setups
 *      a production user would choose from: metrics only; metrics with the opt-in duration
 *      histogram; traces and metrics with the SDK's default sampler (every call a span); traces
 *      sampled at 1% and metrics. Each instrumented row has a twin that asks the same SDK for the
 *      same work per call, written inline without us: the difference between the two is our own
 *      cost, the twin's difference to the plain call is the SDK's (target: ours under 1 µs).
 * The phases run in that order because the context manager, once enabled, slows every promise of
 * the process, instrumented or not; phase 2's baseline includes that cost, which is the SDK's.
 *
 * Run: `npm run bench engine` (this file matches), or `node --import tsx bench/engine-otel.bench.ts`.
 */
import { context, type Histogram, SpanKind, type Tracer, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base'
import { createInvoker, type Invoker } from '../src/index.js'
import { instrument } from '../src/otel/index.js'

const ROUNDS = 15
const METHOD = 'messages.sendMessage'
const result = { _: 'updateShortSentMessage', id: 1, pts: 2, ptsCount: 1, date: 1_700_000_000 }
const send = (): Promise<unknown> => Promise.resolve(result)
const params = { peer: { _: 'inputPeerSelf' }, message: 'hello', randomId: 1n }

type Task = () => Promise<unknown>

/** Calls per task per round, after as many unmeasured ones. */
const CALLS = 10_000

/**
 * CPU time per call of `task`, in ns. CPU time rather than wall time: the bench shares its cores
 * with other jobs, and time spent descheduled would otherwise land on whichever task ran then.
 * (It includes the process's other threads, the collector's among them: their work is the call's.)
 */
async function cpuNsPerCall(task: Task): Promise<number> {
  for (let i = 0; i < CALLS; i++) await task()
  const before = process.cpuUsage()
  for (let i = 0; i < CALLS; i++) await task()
  const used = process.cpuUsage(before)
  return ((used.user + used.system) * 1000) / CALLS
}

/**
 * Median ns per call of each task over rounds that take the tasks in turn (starting one further
 * each round), and the median of its per-round difference to `against[task]`.
 */
async function measure(tasks: Record<string, Task>, against: Record<string, string>) {
  const names = Object.keys(tasks)
  const samples = new Map<string, number[]>(names.map((name) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length] as string
      samples.get(name)?.push(await cpuNsPerCall(tasks[name] as Task))
    }
  }
  const median = (values: readonly number[]) =>
    [...values].sort((a, b) => a - b)[values.length >> 1] as number
  return [...samples].map(([task, ns]) => {
    const base = samples.get(against[task] ?? '') ?? ns.map(() => 0)
    return {
      task,
      'ns/call': Math.round(median(ns)),
      against: against[task] ?? '',
      'added ns': Math.round(median(ns.map((value, i) => value - (base[i] as number)))),
    }
  })
}

/** An invoker of its own, instrumented with `options`. */
function instrumented(options: Parameters<typeof instrument>[1]): Invoker {
  const invoke = createInvoker({ send })
  instrument(invoke, options)
  return invoke
}

// Phase 1: no SDK. The instrumented invoker takes the global providers, which are no-ops.
const plain = createInvoker({ send })
const noSdk = instrumented(undefined)
const phase1 = await measure(
  {
    'plain call': () => plain(METHOD, params),
    'instrumented, no SDK': () => noSdk(METHOD, params),
  },
  { 'instrumented, no SDK': 'plain call' },
)

// Phase 2: an SDK that records everything and exports it nowhere.
const dropSpans: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} }
const dropMetrics: PushMetricExporter = {
  export: (_metrics, done) => done({ code: 0 }),
  shutdown: async () => {},
  forceFlush: async () => {},
}
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: dropMetrics, exportIntervalMillis: 1000 })],
})
const tracerWith = (sampler?: Sampler) =>
  new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(dropSpans)],
    ...(sampler && { sampler }),
  })
// The SDK's default sampler is ParentBased(AlwaysOn): every call gets a recorded span.
const everyCall = tracerWith()
const onePercent = tracerWith(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.01) }))

// The SDK work one instrumented call asks for, inline. Metrics only asks for none per call (calls
// are counted by us and read at collection), so its twin is the plain call itself.
const histogram = meterProvider.getMeter('inline').createHistogram('inline', { unit: 's' })
const seriesAttributes = { 'rpc.method': METHOD, 'mtproto.outcome': 'ok', 'mtproto.account': 'default' }
const withHistogram = (histogram: Histogram) => async () => {
  const startedAt = performance.now()
  const value = await plain(METHOD, params)
  histogram.record((performance.now() - startedAt) / 1000, seriesAttributes)
  return value
}
const withSpan = (tracer: Tracer) => async () => {
  const parent = context.active()
  const attributes = { 'rpc.system': 'mtproto', 'rpc.method': METHOD, 'mtproto.account': 'default' }
  const span = tracer.startSpan(METHOD, { kind: SpanKind.CLIENT, attributes }, parent)
  const value = await context.with(trace.setSpan(parent, span), () => plain(METHOD, params))
  if (span.isRecording()) {
    span.setAttribute('mtproto.outcome', 'ok')
    span.setAttribute('mtproto.attempts', 1)
    span.setAttribute('mtproto.waited_ms', 0)
  }
  span.end()
  return value
}

const metricsOnly = instrumented({ meterProvider })
const withDuration = instrumented({ meterProvider, recordDuration: true })
const traced = instrumented({ meterProvider, tracerProvider: everyCall })
const sampled = instrumented({ meterProvider, tracerProvider: onePercent })
const base = 'plain call, SDK present'
const phase2 = await measure(
  {
    [base]: () => plain(METHOD, params),
    'metrics only': () => metricsOnly(METHOD, params),
    'inline: a histogram record': withHistogram(histogram),
    'metrics + duration histogram': () => withDuration(METHOD, params),
    'inline: a span per call': withSpan(everyCall.getTracer('inline')),
    'traces (every call) + metrics': () => traced(METHOD, params),
    'inline: a span sampled at 1%': withSpan(onePercent.getTracer('inline')),
    'traces (1% sampled) + metrics': () => sampled(METHOD, params),
  },
  {
    'metrics only': base,
    'inline: a histogram record': base,
    'metrics + duration histogram': 'inline: a histogram record',
    'inline: a span per call': base,
    'traces (every call) + metrics': 'inline: a span per call',
    'inline: a span sampled at 1%': base,
    'traces (1% sampled) + metrics': 'inline: a span sampled at 1%',
  },
)
await meterProvider.shutdown()
await Promise.all([everyCall.shutdown(), onePercent.shutdown()])

console.table([...phase1, ...phase2])
console.log(
  `otel: "added ns" of an instrumented row against its inline twin is our own cost per call ` +
    `(target < 1000 ns); of a twin against the plain call, the SDK's. Medians of ${ROUNDS} rounds.`,
)
