import { lookup } from '../catalog/entries.js'
import type { FloodError, MigrateKind, RpcError } from '../error/rpc-error.js'
import { defaultFloodKeyOf, type FloodKeyCall, type FloodKeyScope } from '../flood/flood-key.js'
import type { FloodStore } from '../flood/flood-store.js'
import { MemoryFloodStore } from '../flood/memory-flood-store.js'
import { createMemoryPaceStore } from '../flood/memory-pace-store.js'
import type { PaceStore } from '../flood/pace-store.js'
import { type CallInfo, type CallLimits, DEFAULT_LIMITS, limitsFor } from './call-options.js'
import { type Clock, systemClock } from './clock.js'
import { InvokerClosedError } from './errors.js'
import { Emitter, type RecoveryEvents } from './events.js'
import { FloodGate } from './flood-gate.js'
import type { RecoveryHooks } from './hooks.js'
import { type CatalogLookup, type ErrorKnowledge, knowledgeOf } from './knowledge.js'
import { findOpenFloodWindow } from './open-flood-window.js'
import {
  DEFAULT_ACCOUNT,
  DEFAULT_KNOWN_DC_IDS,
  DEFAULT_MIN_FLOOD_WAIT_MS,
  type InvokerOptions,
} from './options.js'
import { Pacer } from './pacer.js'
import { resolvePacing } from './pacing-options.js'
import type { InvokerContext, OpenWindow } from './policy.js'
import { redact } from './redact.js'

/**
 * The store paced slots are booked in, when not the local one: the one given, else the flood store
 * when it books slots too (duck-typed, so the Redis store carries a fleet's pace without a second
 * option).
 */
function paceStoreOf(options: InvokerOptions, floodStore: FloodStore): PaceStore | undefined {
  if (options.paceStore !== undefined) return options.paceStore
  const candidate = floodStore as Partial<PaceStore>
  return typeof candidate.reserve === 'function' ? (candidate as PaceStore) : undefined
}

/** The package's own catalogue, used unless the invoker is given another or `false`. */
const DEFAULT_CATALOG: CatalogLookup = { lookup }

/**
 * A call as the invoker's pending list sees it: linked in place (no allocation per call), and
 * ended from outside by `close()`. The engine knows no more of a call than this, so the call's
 * class can depend on the engine without the engine depending back on it.
 */
export interface PendingCall {
  /** The API method, named in the `InvokerClosedError`. */
  readonly method: string
  /** Links of the pending list. */
  prev: PendingCall | undefined
  next: PendingCall | undefined
  /** Ends the call from outside the chain with `failure`, thrown as is. */
  interrupt(failure: unknown): void
}

/**
 * What the calls of one invoker share: clock, events, flood store and gate, the home DC, the
 * authorizations in flight, the catalogue. Policies see it through {@link InvokerContext} only; it
 * holds no per-call state, so one policy object can serve every call.
 */
export class Engine implements InvokerContext {
  /** The account label used in flood keys. */
  readonly account: string
  /** The invoker's clock. */
  readonly clock: Clock
  /** Random numbers in [0, 1), for jitter. */
  readonly random: () => number
  /** The invoker's typed events. */
  readonly events: Emitter<RecoveryEvents> = new Emitter()
  /** Where flood windows are kept. */
  readonly floodStore: FloodStore
  /** The catalogue, when one was given. */
  readonly catalog: CatalogLookup | undefined
  /** DCs a redirect may go to. */
  readonly knownDcIds: ReadonlySet<number>
  /** The application's hooks. */
  readonly hooks: RecoveryHooks
  /** The invoker's default limits (before per-call overrides). */
  readonly limits: CallLimits
  /** The shortest flood wait (FLOOD_WAIT_0). */
  readonly minFloodWaitMs: number
  /** Holds calls until flood windows end, one timer per key. */
  readonly gate: FloodGate
  /** Paces calls on keys that were refused, and discovers limits of flood-prone methods. */
  readonly pacing: Pacer
  /** The account's home DC, when known; moved by USER/PHONE/NETWORK_MIGRATE. */
  homeDcId: number | undefined
  /**
   * Whether a login is known to hold: set from `options.authorized`, by a call that proves one
   * succeeding, cleared by `auth.logOut` (see auth-policy.ts). Assign it for a login made outside
   * the invoker.
   */
  authorized: boolean
  /** Set by `close()`. */
  closed = false
  private head: PendingCall | undefined = undefined
  private count = 0
  private readonly flights = new Map<string, Promise<unknown>>()
  private lifetime: AbortController | undefined = undefined
  /** Whether flood keys are the default ones (see `FloodWindowSource.defaultKeys`). */
  readonly defaultKeys: boolean
  private readonly keyOf: (call: FloodKeyCall, scope: FloodKeyScope) => string
  private readonly scopeOf: InvokerOptions['floodScopeOf']
  private readonly redactor: (params: unknown, method: string) => unknown

  /** Builds the shared state from the invoker options. */
  constructor(options: InvokerOptions) {
    this.account = options.account ?? DEFAULT_ACCOUNT
    this.clock = options.clock ?? systemClock
    this.random = options.random ?? Math.random
    this.floodStore = options.floodStore ?? new MemoryFloodStore()
    this.catalog = options.catalog === false ? undefined : (options.catalog ?? DEFAULT_CATALOG)
    this.knownDcIds = new Set(options.knownDcIds ?? DEFAULT_KNOWN_DC_IDS)
    this.hooks = options
    this.limits = Object.freeze(limitsFor(options, DEFAULT_LIMITS))
    this.minFloodWaitMs = options.minFloodWaitMs ?? DEFAULT_MIN_FLOOD_WAIT_MS
    this.gate = new FloodGate(this.clock)
    const pacing = options.pacing ?? true
    const paceStore = paceStoreOf(options, this.floodStore)
    this.pacing = new Pacer(
      this,
      paceStore ?? createMemoryPaceStore(),
      pacing === false
        ? undefined
        : resolvePacing(pacing === true ? undefined : pacing, this.catalog !== undefined),
      paceStore !== undefined,
    )
    this.homeDcId = options.homeDcId
    this.authorized = options.authorized ?? false
    this.keyOf = options.floodKeyOf ?? defaultFloodKeyOf
    this.defaultKeys = options.floodKeyOf === undefined
    this.scopeOf = options.floodScopeOf
    const choice = options.redact ?? true
    this.redactor =
      choice === true
        ? (params, method) => redact(params, { method })
        : choice === false
          ? (params) => params
          : choice
  }

  /** The number of calls in progress. */
  get pendingCount(): number {
    return this.count
  }

  /** Aborted when the invoker closes; given to hooks that serve several calls at once. */
  get lifetimeSignal(): AbortSignal {
    this.lifetime ??= new AbortController()
    return this.lifetime.signal
  }

  /** What the engine and its catalogue know about `error`. */
  knowledge(error: RpcError): ErrorKnowledge {
    return knowledgeOf(error, this.catalog)
  }

  /** The flood key of `call` for `scope`. */
  floodKeyOf(call: FloodKeyCall, scope: FloodKeyScope): string {
    return this.keyOf(call, scope)
  }

  /** {@inheritDoc InvokerContext.openFloodWindow} */
  openFloodWindow(method: string, params: unknown, now: number): OpenWindow | undefined {
    return findOpenFloodWindow(this, method, params, now)
  }

  /** What `error`'s window is counted against: the user's choice, the known scope, else the exact call. */
  floodScopeOf(error: FloodError, call: CallInfo): FloodKeyScope {
    return this.scopeOf?.(error, call) ?? this.knowledge(error).scope ?? 'params'
  }

  /** Records a window; an asynchronous store's failure becomes a `storeError` event, never a call failure. */
  recordFlood(key: string, endsAt: number, now: number): void {
    try {
      const written = this.floodStore.record(key, endsAt, now)
      if (written !== undefined) written.then(undefined, (error: unknown) => this.storeFailed(key, error))
    } catch (error) {
      this.storeFailed(key, error)
    }
  }

  /** Runs `authorizeOn(dcId)` once at a time per DC; concurrent callers share the one in flight. */
  authorize(dcId: number): Promise<unknown> {
    return this.singleFlight(`authorize:${dcId}`, async () => {
      const hook = this.hooks.authorizeOn
      if (hook === undefined) throw new Error('no authorizeOn hook')
      const started = this.clock.now()
      this.events.emit('authorize', { account: this.account, dcId, phase: 'start' })
      try {
        await hook(dcId, { signal: this.lifetimeSignal })
        this.events.emit('authorize', {
          account: this.account,
          dcId,
          phase: 'done',
          durationMs: this.clock.now() - started,
        })
      } catch (error) {
        this.events.emit('authorize', {
          account: this.account,
          dcId,
          phase: 'failed',
          durationMs: this.clock.now() - started,
          error,
        })
        throw error
      }
    })
  }

  /** Runs `bindTempKey(dcId)` once at a time per DC. */
  bindTempKey(dcId: number | undefined): Promise<unknown> {
    return this.singleFlight(`bind:${dcId}`, async () => {
      await this.hooks.bindTempKey?.(dcId, { signal: this.lifetimeSignal })
    })
  }

  /**
   * Moves the home DC to `toDcId` and runs `onHomeDcChange` once for that move, however many calls
   * were told about it at the same time. The server's word is taken at once (the account lives
   * there now); the hook only gets the connection ready.
   */
  moveHome(toDcId: number, kind: MigrateKind): Promise<unknown> {
    const key = `home:${toDcId}`
    const inFlight = this.flights.get(key)
    if (inFlight !== undefined) return inFlight
    if (this.homeDcId === toDcId) return Promise.resolve()
    const change = { fromDcId: this.homeDcId, toDcId, kind }
    this.homeDcId = toDcId
    this.events.emit('homeDcChange', { account: this.account, ...change })
    return this.singleFlight(key, async () => {
      await this.hooks.onHomeDcChange?.(change, { signal: this.lifetimeSignal })
    })
  }

  /** Adds a call to the pending list (for `close()`); O(1), no allocation. */
  link(call: PendingCall): void {
    call.next = this.head
    if (this.head !== undefined) this.head.prev = call
    this.head = call
    this.count++
  }

  /** Removes a call from the pending list; safe to call twice. */
  unlink(call: PendingCall): void {
    if (call.prev === undefined && this.head !== call) return
    if (call.prev !== undefined) call.prev.next = call.next
    else this.head = call.next
    if (call.next !== undefined) call.next.prev = call.prev
    call.prev = undefined
    call.next = undefined
    this.count--
  }

  /** Ends every pending call with an `InvokerClosedError` and refuses new ones. */
  close(reason?: unknown): void {
    if (this.closed) return
    this.closed = true
    while (this.head !== undefined) {
      const call = this.head
      call.interrupt(new InvokerClosedError(call.method, reason))
      // fail() unlinks; this guards against a call that had already ended but stayed linked.
      if (this.head === call) this.unlink(call)
    }
    this.lifetime?.abort(new InvokerClosedError(undefined, reason))
  }

  /** Parameters as they may appear in a report. */
  redactParams(params: unknown, method: string): unknown {
    return this.redactor(params, method)
  }

  private singleFlight(key: string, run: () => Promise<void>): Promise<unknown> {
    const inFlight = this.flights.get(key)
    if (inFlight !== undefined) return inFlight
    const flight = run().finally(() => this.flights.delete(key))
    this.flights.set(key, flight)
    // Callers observe the outcome through settle(); this keeps an unobserved failure quiet.
    flight.then(undefined, () => undefined)
    return flight
  }

  private storeFailed(key: string, error: unknown): void {
    this.events.emit('storeError', { account: this.account, key, error })
  }
}
