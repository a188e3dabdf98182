import type { Attributes, BatchObservableResult, Observable } from '@opentelemetry/api'
import type { Unsubscribe } from '../recovery/events.js'
import type { Invoker } from '../recovery/invoker.js'
import { ATTR, METRIC } from './names.js'
import type { Instruments } from './options.js'

/** The paced keys of one method and scope, folded into one series. */
interface PaceSeries {
  readonly attributes: Attributes
  keys: number
  ratePerSecond: number
  ceilingPerSecond: number
  nextSlotDelayMs: number
  waiting: number
}

/**
 * The learned paces of `invoker` as gauges, read from `pacingSnapshot()` at each collection. Keys
 * name peers and exact parameters, which never become labels: the keys of one account, method and
 * scope fold into one series (the slowest rate and ceiling, the latest free slot, the calls waiting
 * added up, and how many keys), so the series are bounded by methods times scopes, however many
 * peers are paced.
 */
export function instrumentPacing(
  invoker: Pick<Invoker, 'pacingSnapshot' | 'account' | 'clock'>,
  instruments: Instruments,
): Unsubscribe {
  const { meter, methods } = instruments
  const rate = meter.createObservableGauge(METRIC.pacingRate, {
    description: 'Sends per second the learned pace allows now, the slowest key of the series',
    unit: '{call}/s',
  })
  const ceiling = meter.createObservableGauge(METRIC.pacingCeiling, {
    description: 'The most the learned pace may grow back to, the lowest key of the series',
    unit: '{call}/s',
  })
  const nextSlot = meter.createObservableGauge(METRIC.pacingNextSlotDelay, {
    description: 'Time until the next free slot, the latest key of the series (0: a call may go now)',
    unit: 's',
  })
  const waiting = meter.createObservableGauge(METRIC.pacingWaiting, {
    description: 'Calls waiting for their turn on a paced key',
    unit: '{call}',
  })
  const keys = meter.createObservableGauge(METRIC.pacingKeys, {
    description: 'Flood keys with a learned pace',
    unit: '{key}',
  })
  const account = instruments.recordAccount ? invoker.account : undefined

  const callback = (result: BatchObservableResult): void => {
    const now = invoker.clock.now()
    const series = new Map<string, PaceSeries>()
    for (const pace of invoker.pacingSnapshot().paces) {
      // An account-wide pace holds for every method: the engine names it `*`.
      const method = pace.method === '*' ? '*' : methods.of(pace.method)
      const id = `${method} ${pace.scope}`
      const delayMs = Math.max(0, pace.nextSlotAt - now)
      const known = series.get(id)
      if (known === undefined) {
        const attributes: Attributes = { [ATTR.rpcMethod]: method, [ATTR.floodScope]: pace.scope }
        if (account !== undefined) attributes[ATTR.account] = account
        series.set(id, {
          attributes,
          keys: 1,
          ratePerSecond: pace.ratePerSecond,
          ceilingPerSecond: pace.ceilingPerSecond,
          nextSlotDelayMs: delayMs,
          waiting: pace.waiting,
        })
        continue
      }
      known.keys++
      known.ratePerSecond = Math.min(known.ratePerSecond, pace.ratePerSecond)
      known.ceilingPerSecond = Math.min(known.ceilingPerSecond, pace.ceilingPerSecond)
      known.nextSlotDelayMs = Math.max(known.nextSlotDelayMs, delayMs)
      known.waiting += pace.waiting
    }
    for (const { attributes, ...values } of series.values()) {
      result.observe(rate, values.ratePerSecond, attributes)
      result.observe(ceiling, values.ceilingPerSecond, attributes)
      result.observe(nextSlot, values.nextSlotDelayMs / 1000, attributes)
      result.observe(waiting, values.waiting, attributes)
      result.observe(keys, values.keys, attributes)
    }
  }
  const observables: Observable[] = [rate, ceiling, nextSlot, waiting, keys]
  meter.addBatchObservableCallback(callback, observables)
  return () => meter.removeBatchObservableCallback(callback, observables)
}
