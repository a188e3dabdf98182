import {
  createNoopMeter,
  type Meter,
  type MeterProvider,
  metrics,
  ProxyTracerProvider,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api'
import { VERSION } from '../version.js'
import { BoundedLabels, ERROR_TYPE_SHAPE } from './bounded-label.js'
import { SCOPE_NAME } from './names.js'

/** Options of `instrument`. Every one has a default; none is needed to start. */
export interface InstrumentOptions {
  /** Where spans go. Default: the global provider (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider
  /** Where metrics go. Default: the global provider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider
  /**
   * Record each call's parameters on its span, redacted as in the diagnostic report (phone
   * numbers, codes, passwords, keys and tokens replaced). Default `false`: parameters name peers
   * and users, which a trace backend should not hold unless you decide so.
   */
  readonly recordParams?: boolean
  /** Put the account label on metrics and spans. Default `true`; turn off when labels identify people. */
  readonly recordAccount?: boolean
  /** Distinct method names kept as metric labels before the rest count as `other`. Default 500. */
  readonly maxMethodLabels?: number
  /**
   * Record each call's duration in the histogram `mtproto.client.call.duration`. Default `false`:
   * a histogram record costs the SDK about 1 µs per call (it hashes the attribute set to find the
   * series), more than everything else metrics cost; spans carry each call's duration anyway.
   */
  readonly recordDuration?: boolean
}

/** The default of {@link InstrumentOptions.maxMethodLabels}: more than the TL schema's methods a client uses. */
export const DEFAULT_MAX_METHOD_LABELS = 500

/** Distinct error types kept as labels (session-dead reasons, testkit errors). */
const MAX_ERROR_TYPE_LABELS = 200

/** What every instrumentation of one `instrument` call shares. */
export interface Instruments {
  /** Where spans are made. */
  readonly tracer: Tracer
  /** Where metrics are made. */
  readonly meter: Meter
  /** See {@link InstrumentOptions.recordParams}. */
  readonly recordParams: boolean
  /** See {@link InstrumentOptions.recordAccount}. */
  readonly recordAccount: boolean
  /** See {@link InstrumentOptions.recordDuration}. */
  readonly recordDuration: boolean
  /** Method labels, bounded. */
  readonly methods: BoundedLabels
  /** Error-type labels, bounded. */
  readonly errorTypes: BoundedLabels
  /** Whether an SDK receives spans: with none, a call needs no span and no context of ours. */
  readonly tracing: boolean
  /** Whether an SDK receives metrics. */
  readonly metering: boolean
}

/** The class of the API's no-op meter, which the global API hands out until an SDK is registered. */
const NOOP_METER_CLASS = createNoopMeter().constructor

/**
 * Whether `provider` sends spans anywhere: the global provider is a proxy that stays a no-op until
 * an SDK registers. Read once, at `instrument` time, like the meter: register the SDK first.
 */
function sendsSpans(provider: TracerProvider): boolean {
  return (
    !(provider instanceof ProxyTracerProvider) ||
    provider.getDelegateTracer(SCOPE_NAME, VERSION) !== undefined
  )
}

/** Resolves the providers (the global ones unless given) and the label bounds. */
export function resolveInstruments(options: InstrumentOptions = {}): Instruments {
  const tracerProvider = options.tracerProvider ?? trace.getTracerProvider()
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider()
  const meter = meterProvider.getMeter(SCOPE_NAME, VERSION)
  return {
    tracer: tracerProvider.getTracer(SCOPE_NAME, VERSION),
    meter,
    tracing: sendsSpans(tracerProvider),
    metering: meter.constructor !== NOOP_METER_CLASS,
    recordParams: options.recordParams ?? false,
    recordAccount: options.recordAccount ?? true,
    recordDuration: options.recordDuration ?? false,
    methods: new BoundedLabels(options.maxMethodLabels ?? DEFAULT_MAX_METHOD_LABELS),
    errorTypes: new BoundedLabels(MAX_ERROR_TYPE_LABELS, ERROR_TYPE_SHAPE),
  }
}
