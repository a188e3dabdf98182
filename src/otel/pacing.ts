import type { ObservableResult } from '@opentelemetry/api'
import type { Unsubscribe } from '../recovery/events.js'
import { ATTR, METRIC } from './names.js'
import type { Instruments } from './options.js'

/** One learned pace, as a pacing source reports it. */
export interface PaceSnapshot {
  /** The account label. */
  readonly account: string
  /** The API method the pace applies to. */
  readonly method: string
  /** The interval the server allows between two calls, ms. */
  readonly intervalMs: number
}

/**
 * EXTENSION POINT for pacing, which the engine does not have yet. When it lands, whatever holds
 * the learned paces implements this and is passed to `instrument`; the gauge
 * `mtproto.pacing.interval` then reports them. Paces are kept per flood key, but keys name peers,
 * so the gauge reports the slowest pace per account and method, keeping cardinality bounded.
 */
export interface PacingSource {
  /** Every pace learned so far. */
  paces(): Iterable<PaceSnapshot>
}

/** Whether `target` is a {@link PacingSource}. */
export function isPacingSource(target: unknown): target is PacingSource {
  return typeof (target as { paces?: unknown } | null)?.paces === 'function'
}

/** The gauge of learned paces (seconds between calls), slowest per account and method. */
export function instrumentPacing(source: PacingSource, instruments: Instruments): Unsubscribe {
  const gauge = instruments.meter.createObservableGauge(METRIC.pacingInterval, {
    description: 'The slowest learned interval between two calls, per account and method',
    unit: 's',
  })
  const observe = (result: ObservableResult) => {
    const slowest = new Map<string, { account: string; method: string; intervalMs: number }>()
    for (const pace of source.paces()) {
      const method = instruments.methods.of(pace.method)
      const id = `${pace.account}\u0000${method}`
      const known = slowest.get(id)
      if (known === undefined || known.intervalMs < pace.intervalMs) {
        slowest.set(id, { account: pace.account, method, intervalMs: pace.intervalMs })
      }
    }
    for (const pace of slowest.values()) {
      result.observe(pace.intervalMs / 1000, {
        [ATTR.rpcMethod]: pace.method,
        ...(instruments.recordAccount && { [ATTR.account]: pace.account }),
      })
    }
  }
  gauge.addCallback(observe)
  return () => gauge.removeCallback(observe)
}
