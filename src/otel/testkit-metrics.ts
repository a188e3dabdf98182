import type { Unsubscribe } from '../recovery/events.js'
import { ATTR, METRIC } from './names.js'
import type { Instruments } from './options.js'

/** The part of a testkit cluster's report that is exported (both clusters report it). */
export interface TestkitCounts {
  /** Calls the cluster answered. */
  readonly calls: number
  /** Errors answered, by type with digits as `X` (`FLOOD_WAIT_X`). */
  readonly errorsByType: Readonly<Record<string, number>>
  /** Calls sent into a window their client had been told about. */
  readonly floodViolations: number
  /** Calls refused inside a window their client had not received yet. */
  readonly floodRefusedInFlight: number
  /** 303s answered. */
  readonly migrations: number
  /** Faults injected (500s, -503s, WORKER_BUSY). */
  readonly injectedFaults: number
}

/** A testkit cluster (plain or MTProto): anything with `report()` and a `world`. Structural, so no testkit import. */
export interface InstrumentableCluster {
  /** The simulated world (only its presence is checked: it tells a cluster apart). */
  readonly world: unknown
  /** The cluster's DCs (likewise). */
  readonly dcs: readonly unknown[]
  /** What the server side counted so far. */
  report(): TestkitCounts
}

/**
 * The server side's own counters, read from `report()` at each collection, so a dashboard or a
 * test puts what the simulated Telegram saw beside what the client did.
 */
export function instrumentCluster(cluster: InstrumentableCluster, instruments: Instruments): Unsubscribe {
  const { meter, errorTypes } = instruments
  const calls = meter.createObservableCounter(METRIC.testkitCalls, {
    description: 'Calls the testkit cluster answered',
    unit: '{call}',
  })
  const errors = meter.createObservableCounter(METRIC.testkitErrors, {
    description: 'Errors the testkit cluster answered, by error type',
    unit: '{error}',
  })
  const violations = meter.createObservableCounter(METRIC.testkitViolations, {
    description: 'Calls sent into a flood window the client had already been told about',
    unit: '{call}',
  })
  const refusedInFlight = meter.createObservableCounter(METRIC.testkitRefusedInFlight, {
    description: 'Calls refused inside a window their client had not received yet (not violations)',
    unit: '{call}',
  })
  const migrations = meter.createObservableCounter(METRIC.testkitMigrations, {
    description: '303 redirects the testkit cluster answered',
    unit: '{redirect}',
  })
  const faults = meter.createObservableCounter(METRIC.testkitFaults, {
    description: 'Faults the testkit cluster injected',
    unit: '{fault}',
  })
  const observe = meter.addBatchObservableCallback.bind(meter)
  const callback: Parameters<typeof observe>[0] = (result) => {
    const report = cluster.report()
    result.observe(calls, report.calls)
    result.observe(violations, report.floodViolations)
    result.observe(refusedInFlight, report.floodRefusedInFlight)
    result.observe(migrations, report.migrations)
    result.observe(faults, report.injectedFaults)
    // Several raw types may fold into `other`: add them up before observing once per label.
    const byLabel = new Map<string, number>()
    for (const [type, count] of Object.entries(report.errorsByType)) {
      const label = errorTypes.of(type)
      byLabel.set(label, (byLabel.get(label) ?? 0) + count)
    }
    for (const [label, count] of byLabel) result.observe(errors, count, { [ATTR.errorType]: label })
  }
  const observables = [calls, errors, violations, refusedInFlight, migrations, faults]
  meter.addBatchObservableCallback(callback, observables)
  return () => meter.removeBatchObservableCallback(callback, observables)
}
