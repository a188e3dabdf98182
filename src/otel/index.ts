/**
 * `mtproto-errors/otel`: OpenTelemetry traces and metrics for an invoker, the adapters, an
 * account pool, a breaker, the Redis flood store and the testkit. Depends on `@opentelemetry/api`
 * only (an optional peer dependency); a no-op until the application registers an SDK.
 * @packageDocumentation
 */

export { OTHER_LABEL } from './bounded-label.js'
export { BREAKER_STATE_VALUE } from './breaker-metrics.js'
export {
  type HasInvoker,
  type InstrumentTarget,
  instrument,
  type StopInstrumentation,
} from './instrument.js'
export { ATTR, METRIC, RPC_SYSTEM, SCOPE_NAME, SPAN_EVENT } from './names.js'
export { DEFAULT_MAX_METHOD_LABELS, type InstrumentOptions } from './options.js'
export type { CallOutcome } from './outcome.js'
export type { InstrumentableFloodStore } from './store-metrics.js'
export type { InstrumentableCluster, TestkitCounts } from './testkit-metrics.js'
