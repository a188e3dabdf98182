import type { FloodKeyCall, FloodKeyScope } from '../flood/flood-key.js'
import { createMemoryPaceStore, type MemoryPaceStore } from '../flood/memory-pace-store.js'
import type {
  PaceLimit,
  PaceRefusal,
  PaceSlot,
  PaceStore,
  SharedPace,
  SharedPaceRequest,
} from '../flood/pace-store.js'
import type { Clock } from './clock.js'
import type { EventSink, RecoveryEvents } from './events.js'
import { estimateQuota, LearnedPace, type QuotaEstimate } from './learned-pace.js'
import { PaceQueue, type PaceQueueHost } from './pace-queue.js'
import type { ResolvedPacing } from './pacing-options.js'
import type { PacingSnapshot } from './pacing-service.js'
import type { CallContext, OpenWindow, PacingService } from './policy.js'
import { SlowStart } from './slow-start.js'
import type { CallPriority } from './turn-queue.js'

/** What the pacer needs of its invoker. */
export interface PacerHost {
  /** The account label of the invoker, for the events the pacer emits. */
  readonly account: string
  readonly clock: Clock
  readonly random: () => number
  readonly events: EventSink<RecoveryEvents>
  floodKeyOf(call: FloodKeyCall, scope: FloodKeyScope): string
}

/** What a send let go by `turn` holds until it ends. */
interface Ticket {
  readonly sentAt: number
  readonly slowStart: SlowStart | undefined
  readonly paces: readonly LearnedPace[]
}

/** Accepted send times of one method, oldest first, at most `size` of them (a ring). */
class SendHistory {
  private readonly times: number[] = []
  private next = 0

  constructor(private readonly size: number) {}

  push(at: number): void {
    if (this.times.length < this.size) this.times.push(at)
    else {
      this.times[this.next] = at
      this.next = (this.next + 1) % this.size
    }
  }

  ordered(): number[] {
    return [...this.times.slice(this.next), ...this.times.slice(0, this.next)]
  }
}

/** See `PacingOptions.jitterMs`. */
const SHARED_STORE_JITTER_MS = 50

const NO_PACES: readonly LearnedPace[] = Object.freeze([])

/** Pacers made in this realm: with the random part, it keeps member ids apart in seeded tests too. */
let pacersMade = 0

/** An id for one pacer on a shared store (see `SharedPaceRequest.member`). */
function memberId(random: () => number): string {
  pacersMade++
  const draw = () => Math.floor(random() * 36 ** 6).toString(36)
  return `${pacersMade.toString(36)}-${draw()}${draw()}`
}

/**
 * The pacer of one invoker: learned paces per flood key, a queue per paced key, slow start per
 * flood-prone method, and the recent accepted sends each refusal is measured against. It keeps no
 * timer of its own; queues hold one while calls wait.
 */
export class Pacer implements PacingService, PaceQueueHost {
  readonly enabled: boolean
  readonly clock: Clock
  readonly random: () => number
  readonly jitterMs: number
  readonly windowed: boolean
  /** {@inheritDoc PaceQueueHost.sharing} */
  readonly sharing: SharedPaceRequest | undefined
  private readonly paces = new Map<string, LearnedPace>()
  /** Per method, the scopes its paces were learned for, with how many paces each: keys to build. */
  private readonly scopesOf = new Map<string, Map<FloodKeyScope, number>>()
  /** Paces counted on the whole account: they apply to every method. */
  private accountPaces = 0
  private readonly queues = new Map<LearnedPace, PaceQueue>()
  private readonly slowStarts = new Map<string, SlowStart>()
  /** Methods whose discovery is over: they burst freely until a refusal teaches them a pace. */
  private readonly discovered = new Set<string>()
  private readonly histories = new Map<string, SendHistory>()
  private readonly tickets = new WeakMap<CallContext, Ticket>()
  private readonly fallback: MemoryPaceStore = createMemoryPaceStore()
  /** Windows met whose keys the fleet does not pace, until they end (see `joinWindow`). */
  private readonly unshared = new Map<string, number>()

  constructor(
    private readonly host: PacerHost,
    private readonly store: PaceStore,
    private readonly tuning: ResolvedPacing | undefined,
    shared: boolean,
  ) {
    this.enabled = tuning !== undefined
    this.clock = host.clock
    this.random = host.random
    this.jitterMs = tuning?.jitterMs ?? (shared ? SHARED_STORE_JITTER_MS : 0)
    this.windowed = !shared
    this.sharing =
      shared && tuning !== undefined
        ? {
            member: memberId(host.random),
            shrinkRatio: tuning.shrinkRatio,
            growthRatio: tuning.growthRatio,
            keepMs: tuning.forgetAfterMs,
          }
        : undefined
  }

  /** {@inheritDoc PacingService.concerns} */
  concerns(method: string): boolean {
    const tuning = this.tuning
    if (tuning === undefined) return false
    if (this.accountPaces > 0 || this.scopesOf.has(method)) return true
    return tuning.isDiscovered(method) && !this.discovered.has(method)
  }

  /** {@inheritDoc PacingService.appliesTo} */
  appliesTo(call: CallContext): boolean {
    return this.enabled && call.options?.pace !== false
  }

  /** {@inheritDoc PacingService.turn} */
  turn(call: CallContext): boolean | Promise<boolean> {
    if (!this.appliesTo(call)) return true
    const paces = this.pacesOf(call)
    if (paces.length > 0) return this.paceTurn(call, paces)
    const slowStart = this.slowStartOf(call.method)
    if (slowStart === undefined) return true
    if (slowStart.tryEnter()) {
      this.issue(call, slowStart, NO_PACES)
      return true
    }
    return this.slowStartTurn(call, slowStart)
  }

  /** {@inheritDoc PacingService.sent} */
  sent(call: CallContext, succeeded: boolean): void {
    const tuning = this.tuning
    if (tuning === undefined) return
    const now = this.clock.now()
    if (succeeded) {
      let history = this.histories.get(call.method)
      if (history === undefined) {
        history = new SendHistory(tuning.historySize)
        this.histories.set(call.method, history)
      }
      history.push(now)
    }
    const ticket = this.tickets.get(call)
    if (ticket === undefined) return
    this.tickets.delete(call)
    if (ticket.slowStart?.done(succeeded) === true) this.endSlowStart(ticket.slowStart)
    if (succeeded) for (const pace of ticket.paces) pace.succeeded(tuning, now)
    // After a success the probe's burst may follow; after a refusal the window holds the rest.
    for (const pace of ticket.paces) this.queues.get(pace)?.settled(call, succeeded)
  }

  /** {@inheritDoc PacingService.joinWindow} */
  joinWindow(call: CallContext, window: OpenWindow): void {
    const tuning = this.tuning
    const { sharing, store } = this
    if (tuning === undefined || sharing === undefined || store.shareRefusal === undefined) return
    if (this.paces.has(window.key) || !this.appliesTo(call)) return
    if ((this.unshared.get(window.key) ?? 0) >= window.endsAt) return
    const now = this.clock.now()
    const waitMs = Math.max(0, window.endsAt - now)
    // This process's accepted sends were part of what filled the window, as if it had been refused
    // now: its share counts in the fleet's discovery. With none, "one per wait" is only a floor,
    // which the fleet's pace replaces at once.
    const estimate = estimateQuota(this.histories.get(call.method)?.ordered() ?? [], now, waitMs)
    const pace = this.newPace(call, window.key, window.scope, estimate, tuning, now)
    pace.waitEndsAt = window.endsAt
    pace.provisional = true
    // Kept only if the fleet paces the key: a window that taught no pace (a FLOOD_PREMIUM_WAIT's,
    // or one from a process that does not pace) must hold calls as it always did, no more.
    this.shareRefusal(pace, estimate, waitMs, (shared) => {
      if (!pace.provisional) return
      if (shared !== undefined) {
        pace.provisional = false
        this.histories.delete(call.method)
        this.endSlowStartOf(call.method)
        return
      }
      this.forget(pace)
      this.rememberUnshared(window.key, window.endsAt, tuning.maxPacedKeys)
    })
  }

  /** {@inheritDoc PacingService.learn} */
  learn(call: CallContext, key: string, scope: FloodKeyScope, waitMs: number, now: number): void {
    const tuning = this.tuning
    if (tuning === undefined) return
    const history = this.histories.get(call.method)
    const estimate = estimateQuota(history?.ordered() ?? [], now, waitMs)
    const sentAt = this.tickets.get(call)?.sentAt ?? call.history.at(-1)?.startedAt ?? now
    // A new episode measures from here: sends accepted before this refusal are in its estimate.
    this.histories.delete(call.method)
    this.endSlowStartOf(call.method)
    let pace = this.paces.get(key)
    let changed = true
    if (pace === undefined) pace = this.newPace(call, key, scope, estimate, tuning, now)
    else {
      changed = pace.refused(estimate, sentAt, waitMs, tuning, now)
      // Refused here: the pace is this process's own now, whatever the fleet says of the window.
      pace.provisional = false
    }
    pace.waitEndsAt = Math.max(pace.waitEndsAt, now + waitMs)
    if (changed) this.queues.get(pace)?.rebook()
    if (changed && this.host.events.has('paceChange')) {
      this.host.events.emit('paceChange', {
        key,
        method: call.method,
        account: call.account,
        ratePerSecond: pace.rate * 1000,
        ceilingPerSecond: pace.ceiling * 1000,
        intervalMs: pace.intervalMs,
        measured: estimate,
        waitMs,
      })
    }
    // After this process's own event, so listeners hear the refusal before the fleet's answer.
    if (changed) this.shareRefusal(pace, estimate, waitMs)
  }

  /** {@inheritDoc PacingService.snapshot} */
  snapshot(): PacingSnapshot {
    const now = this.clock.now()
    const paces = [...this.paces.values()].map((pace) => ({
      key: pace.key,
      method: pace.method,
      scope: pace.scope,
      ratePerSecond: pace.rate * 1000,
      ceilingPerSecond: pace.ceiling * 1000,
      nextSlotAt: Math.max(now, pace.nextSlotAt),
      waiting: pace.waiting,
      changedAt: pace.changedAt,
    }))
    const discovering = [...this.slowStarts.values()].map((slowStart) => ({
      method: slowStart.method,
      ...slowStart.state,
    }))
    return { paces, discovering }
  }

  /** {@inheritDoc PaceQueueHost.reserve} */
  reserve(limits: readonly PaceLimit[]): PaceSlot | Promise<PaceSlot> {
    const now = this.clock.now()
    try {
      const slot = this.store.reserve(limits, now)
      if (!isThenable(slot)) return this.follow(limits, slot)
      return Promise.resolve(slot).then(
        (booked) => this.follow(limits, booked),
        (error: unknown) => this.reserveLocally(limits, error),
      )
    } catch (error) {
      return this.reserveLocally(limits, error)
    }
  }

  /** {@inheritDoc PaceQueueHost.release} */
  release(limits: readonly PaceLimit[], slot: PaceSlot): void {
    try {
      const released = this.store.release?.(limits, slot, this.clock.now())
      if (released instanceof Promise)
        released.then(undefined, (error: unknown) => this.storeFailed(limits, error))
    } catch (error) {
      this.storeFailed(limits, error)
    }
  }

  /** {@inheritDoc PaceQueueHost.granted} */
  granted(call: CallContext, pace: LearnedPace, waitedMs: number): void {
    if (!this.host.events.has('paceWait')) return
    this.host.events.emit('paceWait', {
      method: call.method,
      account: call.account,
      key: pace.key,
      waitedMs,
      priority: priorityOf(call),
    })
  }

  private async paceTurn(call: CallContext, paces: readonly LearnedPace[]): Promise<boolean> {
    const priority = priorityOf(call)
    for (const pace of paces) {
      if (!(await this.queueOf(pace).wait(call, priority))) return false
    }
    this.issue(call, undefined, paces)
    return true
  }

  private async slowStartTurn(call: CallContext, slowStart: SlowStart): Promise<boolean> {
    if (await slowStart.wait(call, priorityOf(call))) {
      this.issue(call, slowStart, NO_PACES)
      return true
    }
    if (call.ended) return false
    // Discovery ended while the call waited: a pace may have been learned meanwhile.
    return this.turn(call)
  }

  private issue(call: CallContext, slowStart: SlowStart | undefined, paces: readonly LearnedPace[]): void {
    this.tickets.set(call, { sentAt: this.clock.now(), slowStart, paces })
    // A call that ends while its send is in flight (abort, deadline, close) reports no outcome:
    // its place in flight, or its queue's probe, must still come back, or that would stall.
    if (slowStart !== undefined || paces.length > 0) void call.done.then(() => this.abandon(call))
  }

  private abandon(call: CallContext): void {
    const ticket = this.tickets.get(call)
    if (ticket === undefined) return
    this.tickets.delete(call)
    if (ticket.slowStart?.done(false) === true) this.endSlowStart(ticket.slowStart)
    for (const pace of ticket.paces) this.queues.get(pace)?.settled(call, false)
  }

  private queueOf(pace: LearnedPace): PaceQueue {
    let queue = this.queues.get(pace)
    if (queue === undefined) {
      queue = new PaceQueue(this, pace)
      this.queues.set(pace, queue)
    }
    return queue
  }

  private slowStartOf(method: string): SlowStart | undefined {
    const tuning = this.tuning
    if (tuning === undefined || this.discovered.has(method) || !tuning.isDiscovered(method)) return undefined
    let slowStart = this.slowStarts.get(method)
    if (slowStart === undefined) {
      slowStart = new SlowStart(method, tuning.initialInFlight, tuning.maxInFlight)
      this.slowStarts.set(method, slowStart)
    }
    return slowStart
  }

  /** A pace for `key` learned from `estimate`, remembered (an account-wide key paces every method). */
  private newPace(
    call: CallContext,
    key: string,
    scope: FloodKeyScope,
    estimate: QuotaEstimate,
    tuning: ResolvedPacing,
    now: number,
  ): LearnedPace {
    const pace = new LearnedPace(key, scope, scope === 'account' ? '*' : call.method, estimate, tuning, now)
    this.remember(pace, tuning.maxPacedKeys)
    return pace
  }

  /** The method met its limit: its slow start, if any, ends, and calls waiting in it go to the pace. */
  private endSlowStartOf(method: string): void {
    const slowStart = this.slowStarts.get(method)
    if (slowStart !== undefined) this.endSlowStart(slowStart)
  }

  private endSlowStart(slowStart: SlowStart): void {
    this.slowStarts.delete(slowStart.method)
    this.discovered.add(slowStart.method)
    slowStart.finish()
  }

  /** The paces that apply to `call`, forgetting those unused for `forgetAfterMs`. */
  private pacesOf(call: CallContext): readonly LearnedPace[] {
    const scopes = this.scopesOf.get(call.method)
    if (scopes === undefined && this.accountPaces === 0) return NO_PACES
    const now = this.clock.now()
    const forgetAfterMs = this.tuning?.forgetAfterMs ?? Number.POSITIVE_INFINITY
    const keys: string[] = []
    if (this.accountPaces > 0) keys.push(this.host.floodKeyOf(call, 'account'))
    for (const scope of scopes?.keys() ?? []) {
      const key = this.host.floodKeyOf(call, scope)
      // `peer` and `phone` fall back to the method's key for calls without such a parameter.
      if (!keys.includes(key)) keys.push(key)
    }
    let found: LearnedPace[] | undefined
    for (const key of keys) {
      const pace = this.paces.get(key)
      if (pace === undefined) continue
      if (pace.waiting === 0 && now - pace.usedAt > forgetAfterMs) {
        this.forget(pace)
        continue
      }
      found ??= []
      found.push(pace)
    }
    return found ?? NO_PACES
  }

  private remember(pace: LearnedPace, maxPacedKeys: number): void {
    if (this.paces.size >= maxPacedKeys) {
      // Oldest learned first; a key with calls waiting keeps its pace.
      for (const other of this.paces.values()) {
        if (other.waiting > 0) continue
        this.forget(other)
        if (this.paces.size < maxPacedKeys) break
      }
    }
    this.paces.set(pace.key, pace)
    if (pace.scope === 'account') this.accountPaces++
    else {
      let scopes = this.scopesOf.get(pace.method)
      if (scopes === undefined) {
        scopes = new Map()
        this.scopesOf.set(pace.method, scopes)
      }
      scopes.set(pace.scope, (scopes.get(pace.scope) ?? 0) + 1)
    }
  }

  private forget(pace: LearnedPace): void {
    if (this.paces.get(pace.key) !== pace) return
    this.paces.delete(pace.key)
    this.queues.get(pace)?.flush()
    this.queues.delete(pace)
    if (pace.scope === 'account') this.accountPaces--
    else {
      const scopes = this.scopesOf.get(pace.method)
      const left = (scopes?.get(pace.scope) ?? 1) - 1
      if (left > 0) scopes?.set(pace.scope, left)
      else scopes?.delete(pace.scope)
      if (scopes?.size === 0) this.scopesOf.delete(pace.method)
    }
  }

  /**
   * Takes the fleet's shared pace of each limit the store booked with one, and tells `paceChange`
   * listeners when its version changed (growth alone changes no version). Returns the slot.
   */
  private follow(limits: readonly PaceLimit[], slot: PaceSlot): PaceSlot {
    const { shared } = slot
    if (shared === undefined) return slot
    const now = this.clock.now()
    limits.forEach((limit, i) => {
      const state = shared[i]
      const pace = this.paces.get(limit.key)
      if (!isSharedPace(state) || pace === undefined || !pace.follow(state, now)) return
      if (!this.host.events.has('paceChange')) return
      this.host.events.emit('paceChange', {
        key: pace.key,
        method: pace.method,
        account: this.host.account,
        ratePerSecond: state.ratePerSecond,
        ceilingPerSecond: state.ceilingPerSecond,
        intervalMs: pace.intervalMs,
        measured: { count: 1, periodMs: pace.intervalMs },
        waitMs: 0,
        shared: true,
      })
    })
    return slot
  }

  /**
   * Tells a store shared by a fleet what this refusal taught (see `SharedPaceRequest`), at once, so
   * that the fleet's pace has every process's share before the wait ends and the calls book again.
   * The answer is the fleet's pace, taken as this one's. A store that fails is reported, not retried:
   * the key's bookings go on, and a later refusal reports again. With `joined`, the process was not
   * refused but met another's window: it is told the answer (`undefined` for no fleet pace, or a
   * failure) to decide whether to keep pacing the key.
   */
  private shareRefusal(
    pace: LearnedPace,
    estimate: QuotaEstimate,
    waitMs: number,
    joined?: (shared: SharedPace | undefined) => void,
  ): void {
    const { sharing, store, tuning } = this
    if (sharing === undefined || tuning === undefined || store.shareRefusal === undefined) return
    // The first send after an idle spell leaves up to `jitterMs` after its slot, and the send a
    // window after it may not: the window a share is counted over keeps that much slack too.
    const periodMs = estimate.periodMs + tuning.safetyMarginMs + this.jitterMs
    const refusal: PaceRefusal = {
      ratePerSecond: (estimate.count * 1000) / periodMs,
      measured: estimate.measured,
      basis: pace.sharedVersion,
      waitMs,
      ...(joined !== undefined && { joined: true }),
    }
    const limits = [{ key: pace.key, count: 1, periodMs: pace.intervalMs, burst: 1 }]
    const answered = (shared: SharedPace | undefined) => {
      const followed = isSharedPace(shared) ? shared : undefined
      if (followed !== undefined) this.follow(limits, { delayMs: 0, shared: [followed] })
      joined?.(followed)
    }
    const failed = (error: unknown) => {
      this.storeFailed(limits, error)
      joined?.(undefined)
    }
    try {
      const answer = store.shareRefusal(pace.key, sharing, refusal, this.clock.now())
      if (isThenable(answer)) answer.then(answered, failed)
      else answered(answer)
    } catch (error) {
      failed(error)
    }
  }

  /** Keys met in a window the fleet paces not, until when: no call asks the store again before. */
  private rememberUnshared(key: string, endsAt: number, maxKeys: number): void {
    const now = this.clock.now()
    if (this.unshared.size >= maxKeys) {
      for (const [other, until] of this.unshared) if (until <= now) this.unshared.delete(other)
      if (this.unshared.size >= maxKeys) this.unshared.clear()
    }
    this.unshared.set(key, endsAt)
  }

  private reserveLocally(limits: readonly PaceLimit[], error: unknown): PaceSlot {
    this.storeFailed(limits, error)
    return this.fallback.reserve(limits, this.clock.now())
  }

  private storeFailed(limits: readonly PaceLimit[], error: unknown): void {
    this.host.events.emit('storeError', { account: this.host.account, key: limits[0]?.key ?? '', error })
  }
}

/** Whether a store's answer is a shared pace this pacer can follow (a store of the user's may be wrong). */
function isSharedPace(value: unknown): value is SharedPace {
  if (typeof value !== 'object' || value === null) return false
  const { ratePerSecond, ceilingPerSecond, version } = value as Partial<SharedPace>
  return (
    typeof ratePerSecond === 'number' &&
    ratePerSecond > 0 &&
    Number.isFinite(ratePerSecond) &&
    typeof ceilingPerSecond === 'number' &&
    ceilingPerSecond >= ratePerSecond &&
    Number.isSafeInteger(version) &&
    (version as number) > 0
  )
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function'
}

function priorityOf(call: CallContext): CallPriority {
  return call.options?.priority === 'bulk' ? 'bulk' : 'interactive'
}
