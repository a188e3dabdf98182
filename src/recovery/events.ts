import type { FloodError, MigrateKind, RpcError, SeeOtherError } from '../error/rpc-error.js'
import type { AttemptRecord } from './attempt.js'
import type { Failure } from './failure.js'
import type { GiveUpReason } from './recovery-details.js'

/** Unsubscribes the listener it was returned for. Calling it twice is harmless. */
export type Unsubscribe = () => void

/** Where typed events go: the invoker's listeners. Policies emit; only the application listens. */
export interface EventSink<Events> {
  /** Whether anyone listens to `name`; lets a policy skip building an event nobody reads. */
  has(name: keyof Events): boolean
  /** Delivers `event` to the listeners of `name`. A listener that throws never breaks the call. */
  emit<K extends keyof Events>(name: K, event: Events[K]): void
}

/**
 * A small typed event emitter. It never logs and never lets a listener break a call: a listener
 * that throws is reported the way the platform reports errors in event listeners (`reportError`
 * where it exists, otherwise an uncaught error on a later tick), after the other listeners ran.
 */
export class Emitter<Events> implements EventSink<Events> {
  private readonly listeners = new Map<keyof Events, Array<(event: never) => void>>()

  /** Calls `listener` on every `name` event until the returned function is called. */
  on<K extends keyof Events>(name: K, listener: (event: Events[K]) => void): Unsubscribe {
    // Copy on write: a listener removing itself during an emit does not disturb that emit.
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener as (event: never) => void])
    let active = true
    return () => {
      if (!active) return
      active = false
      const list = this.listeners.get(name)
      if (!list) return
      const rest = list.filter((entry) => entry !== listener)
      if (rest.length === 0) this.listeners.delete(name)
      else this.listeners.set(name, rest)
    }
  }

  /** Whether anyone listens to `name`; lets callers skip building an event nobody reads. */
  has(name: keyof Events): boolean {
    return this.listeners.has(name)
  }

  /** The number of listeners of `name`, or of all events. */
  listenerCount(name?: keyof Events): number {
    if (name !== undefined) return this.listeners.get(name)?.length ?? 0
    let count = 0
    for (const list of this.listeners.values()) count += list.length
    return count
  }

  /** Delivers `event` to the listeners of `name`. */
  emit<K extends keyof Events>(name: K, event: Events[K]): void {
    const list = this.listeners.get(name)
    if (!list) return
    for (const listener of list) {
      try {
        ;(listener as (event: Events[K]) => void)(event)
      } catch (error) {
        reportListenerError(error)
      }
    }
  }
}

function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError
  if (typeof report === 'function') report(error)
  else
    queueMicrotask(() => {
      throw error
    })
}

/** A flood error was received and its window recorded. */
export interface FloodWaitEvent {
  /** The API method of the call. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** The DC of the call (`undefined`: the home connection, DC not known). */
  readonly dcId: number | undefined
  /** The flood key the window was recorded under. */
  readonly key: string
  /** The flood error received. */
  readonly error: FloodError
  /** How long the window lasts from now. */
  readonly waitMs: number
  /** When the window ends, epoch ms. */
  readonly retryAt: number
  /** Whether this call sleeps through it (`false`: it is thrown at once). */
  readonly willWait: boolean
}

/** A call met an open flood window before being sent, and was held locally or failed fast. */
export interface FloodWindowHitEvent {
  /** The API method of the call. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** The flood key concerned. */
  readonly key: string
  /** How long the window still lasts. */
  readonly remainingMs: number
  /** When the window ends, epoch ms. */
  readonly retryAt: number
  /** Whether the call waits for the window (`false`: it fails at once). */
  readonly willWait: boolean
}

/** FLOOD_PREMIUM_WAIT: the account's speed is limited, which Premium lifts (an upsell moment). */
export interface SpeedLimitEvent {
  /** The API method of the call. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** The DC of the call (`undefined`: the home connection, DC not known). */
  readonly dcId: number | undefined
  /** The wait asked for, ms. */
  readonly waitMs: number
  /** The flood error received. */
  readonly error: FloodError
}

/** A call was redirected by a 303. */
export interface MigrateEvent {
  /** The API method of the call. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** The DC before the move, when known. */
  readonly fromDcId: number | undefined
  /** The DC moved to. */
  readonly toDcId: number
  /** Which migration it is. */
  readonly kind: MigrateKind
  /** The redirect received. */
  readonly error: SeeOtherError
}

/** The account's home DC moved. */
export interface HomeDcChangeEvent {
  /** The account label of the invoker. */
  readonly account: string
  /** The DC before the move, when known. */
  readonly fromDcId: number | undefined
  /** The DC moved to. */
  readonly toDcId: number
  /** Which migration it is. */
  readonly kind: MigrateKind
}

/** The `authorizeOn` hook ran for a DC (`start`), and how it ended. */
export interface AuthorizeEvent {
  /** The account label of the invoker. */
  readonly account: string
  /** The DC concerned. */
  readonly dcId: number
  /** Where the authorization is. */
  readonly phase: 'start' | 'done' | 'failed'
  /** For `done` and `failed`. */
  readonly durationMs?: number
  /** For `failed`. */
  readonly error?: unknown
}

/** A call is about to be repeated after an internal or network failure. */
export interface RetryEvent {
  /** The API method of the call. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** The DC of the call (`undefined`: the home connection, DC not known). */
  readonly dcId: number | undefined
  /** The number of the attempt that failed. */
  readonly attempt: number
  /** The delay before the repeat, ms. */
  readonly delayMs: number
  /** The failure that is being retried. */
  readonly error: Failure
}

/** A call failed for good (not counting aborts and `close()`). */
export interface GiveUpEvent {
  /** The API method of the call. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** The DC of the last attempt (`undefined`: the home connection, DC not known). */
  readonly dcId: number | undefined
  /** Why the engine stopped trying. */
  readonly reason: GiveUpReason
  /** What failed. */
  readonly error: unknown
  /** Every failed send of the call. */
  readonly attempts: readonly AttemptRecord[]
  /** How long the call lasted, ms. */
  readonly durationMs: number
}

/** The account's authorization is lost: log in again (or recreate the key, for AUTH_KEY_DUPLICATED). */
export interface SessionDeadEvent {
  /** The API method of the call. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** The DC of the call (`undefined`: the home connection, DC not known). */
  readonly dcId: number | undefined
  /** The error type (`SESSION_REVOKED`, `AUTH_KEY_DUPLICATED`, ...), or the code when it has none. */
  readonly reason: string
  /** The error received. */
  readonly error: RpcError
}

/** A 406: the protocol says not to show it to the end user (a service notification follows). */
export interface NotForUserEvent {
  /** The API method of the call. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** The error received. */
  readonly error: RpcError
}

/** A flood store failed to record a window, or a pace store to book a slot (then the slot is booked locally). */
export interface StoreErrorEvent {
  /** The account label of the invoker. */
  readonly account: string
  /** The flood key concerned. */
  readonly key: string
  /** What failed. */
  readonly error: unknown
}

/** The circuit of a DC changed state (see `createBreakerPolicy`). */
export interface BreakerEvent {
  /** The account label of the invoker. */
  readonly account: string
  /** The DC concerned (`undefined`: the home DC, not known yet). */
  readonly dcId: number | undefined
  /** The state before. */
  readonly from: 'closed' | 'open' | 'half-open'
  /** The state now. */
  readonly to: 'closed' | 'open' | 'half-open'
  /** For `open`: when the next probe may go, epoch ms. */
  readonly nextProbeAt: number | undefined
  /** Consecutive failures counted on that DC. */
  readonly failures: number
}

/** A flood key's pace was learned from a refusal, or shrunk by a later one (see `PacingOptions`). */
export interface PaceChangeEvent {
  /** The flood key now paced. */
  readonly key: string
  /** The method whose refusal taught it. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** Sends per second allowed from now on. */
  readonly ratePerSecond: number
  /** The most the pace may grow back to, sends per second. */
  readonly ceilingPerSecond: number
  /** Milliseconds between sends at that rate. */
  readonly intervalMs: number
  /** What the refusal measured: `count` sends accepted per `periodMs` (for a shared pace: 1 per interval). */
  readonly measured: { readonly count: number; readonly periodMs: number }
  /** The wait the server asked for, ms; 0 for a pace taken from the shared store. */
  readonly waitMs: number
  /**
   * `true` when the pace is the fleet's, taken from the shared pace store (see
   * `SharedPaceRequest`) rather than learned from a refusal here.
   */
  readonly shared?: boolean
}

/** A call waited for its turn on a paced key, and goes now. */
export interface PaceWaitEvent {
  /** The API method of the call. */
  readonly method: string
  /** The account label of the invoker. */
  readonly account: string
  /** The paced flood key. */
  readonly key: string
  /** How long it waited for its turn, ms. */
  readonly waitedMs: number
  /** The call's priority. */
  readonly priority: 'interactive' | 'bulk'
}

/** Every event of the recovery engine, by name. */
export interface RecoveryEvents {
  /** See {@link FloodWaitEvent}. */
  floodWait: FloodWaitEvent
  /** See {@link FloodWindowHitEvent}. */
  floodWindowHit: FloodWindowHitEvent
  /** See {@link SpeedLimitEvent}. */
  speedLimit: SpeedLimitEvent
  /** See {@link MigrateEvent}. */
  migrate: MigrateEvent
  /** See {@link HomeDcChangeEvent}. */
  homeDcChange: HomeDcChangeEvent
  /** See {@link AuthorizeEvent}. */
  authorize: AuthorizeEvent
  /** See {@link RetryEvent}. */
  retry: RetryEvent
  /** See {@link GiveUpEvent}. */
  giveUp: GiveUpEvent
  /** See {@link SessionDeadEvent}. */
  sessionDead: SessionDeadEvent
  /** See {@link NotForUserEvent}. */
  notForUser: NotForUserEvent
  /** See {@link StoreErrorEvent}. */
  storeError: StoreErrorEvent
  /** See {@link BreakerEvent}. */
  breaker: BreakerEvent
  /** See {@link PaceChangeEvent}. */
  paceChange: PaceChangeEvent
  /** See {@link PaceWaitEvent}. */
  paceWait: PaceWaitEvent
}
