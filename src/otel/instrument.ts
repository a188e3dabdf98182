import type { AccountPool } from '../pool/account-pool.js'
import type { BreakerPolicy } from '../recovery/breaker-policy.js'
import type { Unsubscribe } from '../recovery/events.js'
import type { Invoker } from '../recovery/invoker.js'
import { instrumentBreaker } from './breaker-metrics.js'
import { callInterceptor } from './call-instrumentation.js'
import { CallStates } from './call-state.js'
import { listenToInvoker } from './invoker-events.js'
import { type InstrumentOptions, type Instruments, resolveInstruments } from './options.js'
import { instrumentPacing } from './pacing.js'
import { instrumentPoolEvents } from './pool-metrics.js'
import { type InstrumentableFloodStore, instrumentStore } from './store-metrics.js'
import { type InstrumentableCluster, instrumentCluster } from './testkit-metrics.js'

/** Anything that carries an invoker: the GramJS and mtcute adapters and the grammY transformer. */
export interface HasInvoker {
  /** The engine under the adapter. */
  readonly invoker: Invoker
}

/** Everything `instrument` accepts. */
export type InstrumentTarget =
  | Invoker
  | HasInvoker
  | AccountPool
  | BreakerPolicy
  | InstrumentableFloodStore
  | InstrumentableCluster

/** Stops the instrumentation it was returned for; calling it twice is harmless. */
export type StopInstrumentation = () => void

const isObject = (value: unknown): value is Record<string, unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null

function isInvoker(target: unknown): target is Invoker {
  return typeof target === 'function' && isObject(target) && typeof target.intercept === 'function'
}

function isPool(target: unknown): target is AccountPool {
  return isObject(target) && typeof target.accounts === 'function' && typeof target.invokerOf === 'function'
}

function isBreaker(target: unknown): target is BreakerPolicy {
  return isObject(target) && typeof target.circuits === 'function' && typeof target.stateOf === 'function'
}

function isStore(target: unknown): target is InstrumentableFloodStore {
  return isObject(target) && typeof target.whenSynced === 'function' && typeof target.on === 'function'
}

function isCluster(target: unknown): target is InstrumentableCluster {
  return isObject(target) && typeof target.report === 'function' && 'world' in target && 'dcs' in target
}

/** Spans per call and the engine's metrics, its learned paces included, for one invoker. */
function instrumentInvoker(invoker: Invoker, instruments: Instruments): Unsubscribe {
  // Without an SDK every instrument is a no-op: stay out of the call path altogether, so an
  // application that has not set OpenTelemetry up pays nothing.
  if (!instruments.tracing && !instruments.metering) return () => undefined
  const states = new CallStates()
  const stopEvents = listenToInvoker(invoker, instruments, states)
  const stopTracing = invoker.intercept(callInterceptor(instruments, states))
  const stopPacing = instruments.metering ? instrumentPacing(invoker, instruments) : () => undefined
  return () => {
    stopTracing()
    stopEvents()
    stopPacing()
  }
}

/** A pool: each account's invoker, plus the pool's moves and live/dead accounts. */
function instrumentPool(pool: AccountPool, instruments: Instruments): Unsubscribe {
  const stops = [instrumentPoolEvents(pool, instruments)]
  for (const { account } of pool.accounts()) {
    const invoker = pool.invokerOf(account)
    if (invoker !== undefined) stops.push(instrumentInvoker(invoker, instruments))
  }
  return () => {
    for (const stop of stops) stop()
  }
}

function instrumentWith(target: unknown, instruments: Instruments): Unsubscribe {
  if (isInvoker(target)) return instrumentInvoker(target, instruments)
  if (isPool(target)) return instrumentPool(target, instruments)
  if (isObject(target) && isInvoker(target.invoker)) return instrumentInvoker(target.invoker, instruments)
  if (isBreaker(target)) return instrumentBreaker(target, instruments)
  if (isStore(target)) return instrumentStore(target, instruments)
  if (isCluster(target)) return instrumentCluster(target, instruments)
  throw new TypeError(
    'instrument: expected an invoker, an adapter or transformer with an `invoker`, an account pool, ' +
      'a breaker policy, a Redis flood store or a testkit cluster',
  )
}

/**
 * Sends traces and metrics of `target` to OpenTelemetry, and returns the function that stops it.
 * Providers are the global ones unless given; with no SDK registered everything is a no-op.
 *
 * ```ts
 * const stop = instrument(invoker)             // a span per call, the engine's metrics
 * instrument(pool); instrument(breaker); instrument(redisStore)
 * ```
 *
 * Register the SDK's meter provider before calling it: the global metrics API hands out no-op
 * meters until one is registered, and a meter is taken once, here.
 */
export function instrument(target: InstrumentTarget, options?: InstrumentOptions): StopInstrumentation {
  let stop: Unsubscribe | undefined = instrumentWith(target, resolveInstruments(options))
  return () => {
    stop?.()
    stop = undefined
  }
}
