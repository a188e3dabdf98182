import type { ObservableResult } from '@opentelemetry/api'
import type { Unsubscribe } from '../recovery/events.js'
import { ATTR, METRIC } from './names.js'
import type { Instruments } from './options.js'

/** The states a shared flood store reports (see `RedisFloodStoreState`). */
const STORE_STATES = ['connecting', 'synced', 'degraded', 'closed'] as const

/**
 * What `instrument` needs of a shared flood store: the Redis store has it. Structural, so this
 * subpath does not pull the Redis one (and its ioredis types) in.
 */
export interface InstrumentableFloodStore {
  /** Where the store stands: `connecting`, `synced`, `degraded` or `closed`. */
  readonly state: string
  /** Windows held in the local mirror. */
  readonly size: number
  /** Waits until the store is synced (tells it apart from other targets). */
  whenSynced(timeoutMs?: number): Promise<boolean>
  /** A connection to the shared store was lost. */
  on(name: 'down', listener: (event: { readonly reason: unknown }) => void): Unsubscribe
  /** The mirror was resynced with the shared store. */
  on(name: 'sync', listener: (event: { readonly durationMs: number }) => void): Unsubscribe
  /** A window recorded by another process arrived. */
  on(name: 'remoteWindow', listener: (event: { readonly via: 'message' | 'sync' }) => void): Unsubscribe
  /** A sync or a write-back failed. */
  on(name: 'error', listener: (event: { readonly operation: 'sync' | 'write-back' }) => void): Unsubscribe
}

/** The store's state (1 for the current one, 0 for the others), its size, syncs, remote windows and errors. */
export function instrumentStore(store: InstrumentableFloodStore, instruments: Instruments): Unsubscribe {
  const { meter } = instruments
  const state = meter.createObservableGauge(METRIC.storeState, {
    description: 'Where the shared flood store stands: 1 for the current state, 0 for the others',
    unit: '{state}',
  })
  const windows = meter.createObservableGauge(METRIC.storeWindows, {
    description: 'Flood windows held in the local mirror',
    unit: '{window}',
  })
  const syncs = meter.createCounter(METRIC.storeSyncs, {
    description: 'Full resyncs of the local mirror with the shared store',
    unit: '{sync}',
  })
  const remote = meter.createCounter(METRIC.storeRemoteWindows, {
    description: 'Flood windows learnt from other processes',
    unit: '{window}',
  })
  const errors = meter.createCounter(METRIC.storeErrors, {
    description: 'Flood store operations that failed',
    unit: '{error}',
  })
  const observeState = (result: ObservableResult) => {
    const current = store.state
    for (const name of STORE_STATES) result.observe(name === current ? 1 : 0, { [ATTR.storeState]: name })
  }
  const observeSize = (result: ObservableResult) => result.observe(store.size)
  state.addCallback(observeState)
  windows.addCallback(observeSize)
  const subscriptions = [
    store.on('sync', () => syncs.add(1)),
    store.on('remoteWindow', (event) => remote.add(1, { [ATTR.remoteVia]: event.via })),
    store.on('error', (event) => errors.add(1, { [ATTR.storeOperation]: event.operation })),
    store.on('down', () => errors.add(1, { [ATTR.storeOperation]: 'connection' })),
  ]
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe()
    state.removeCallback(observeState)
    windows.removeCallback(observeSize)
  }
}
