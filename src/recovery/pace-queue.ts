import type { PaceLimit, PaceSlot, SharedPaceRequest } from '../flood/pace-store.js'
import type { Clock } from './clock.js'
import type { LearnedPace } from './learned-pace.js'
import type { CallContext } from './policy.js'
import { type CallPriority, TurnQueue, type TurnWaiter } from './turn-queue.js'

/** What a queue needs of its pacer: the store (with its fallback), the clock, jitter. */
export interface PaceQueueHost {
  readonly clock: Clock
  readonly random: () => number
  readonly jitterMs: number
  /**
   * Whether the queue may send a window's quota together (the store is this process's own): else
   * sends are evenly spaced, which a store shared by a fleet keeps safe across processes.
   */
  readonly windowed: boolean
  /**
   * What every booking tells a store shared by a fleet, so the fleet keeps one pace per key (see
   * `SharedPaceRequest`); `undefined` when the store is this process's own.
   */
  readonly sharing: SharedPaceRequest | undefined
  /** Books a slot; never throws (a failing shared store falls back to the local one). */
  reserve(limits: readonly PaceLimit[]): PaceSlot | Promise<PaceSlot>
  /** Gives a booked slot back; never throws. */
  release(limits: readonly PaceLimit[], slot: PaceSlot): void
  /** The call got its turn after `waitedMs`. */
  granted(call: CallContext, pace: LearnedPace, waitedMs: number): void
}

/**
 * The calls waiting on one paced key. It books one slot at a time, for whichever call is first
 * when the slot comes (so an interactive call that arrives meanwhile takes it before a queued bulk
 * one), and holds one timer however many calls wait. A shared store hands each process its own
 * slots, so processes pacing one key interleave instead of colliding.
 *
 * With a store of its own (`windowed`) and a window its pace still trusts (see
 * `LearnedPace.window`), it sends as the server counts: the first send after an idle spell is a
 * probe, and once it succeeded the rest of the window's quota leaves together, each later send one
 * window after the send `count` before it; a burst never goes out before its probe answered. No
 * turn is given while the key's wait is open.
 */
export class PaceQueue {
  private readonly waiting = new TurnQueue()
  private timer: unknown = undefined
  private booking = false
  private booked: { limits: readonly PaceLimit[]; slot: PaceSlot } | undefined = undefined
  private lastGrantAt = Number.NEGATIVE_INFINITY
  /** Recent grant times, oldest first (windowed only). */
  private readonly grants: number[] = []
  /** When each call in `grants` was let go, so its entry can leave if the server did not count it. */
  private readonly grantedAt = new WeakMap<CallContext, number>()
  /** The probe sent after an idle spell, until its outcome is known (windowed only). */
  private probe: CallContext | undefined = undefined
  /** Whether the probe is the first send at the edge of a guessed window: its success confirms it. */
  private probeTestsGuess = false
  /** Whether the booked slot waits for the window check: its send opens a new window at its edge. */
  private atEdge = false

  constructor(
    private readonly host: PaceQueueHost,
    readonly pace: LearnedPace,
  ) {}

  /** Calls waiting here. */
  get size(): number {
    return this.waiting.size
  }

  /** Waits for `call`'s turn; resolves `false` at once if the call ends first. */
  async wait(call: CallContext, priority: CallPriority): Promise<boolean> {
    const queuedAt = this.host.clock.now()
    let waiter: TurnWaiter | undefined
    const turn = new Promise<boolean>((resolve) => {
      waiter = { call, grant: resolve }
    })
    const entry = waiter as TurnWaiter
    this.waiting.push(entry, priority)
    this.pace.waiting++
    this.pump()
    const settled = await call.settle(turn)
    this.pace.waiting--
    if (settled === undefined || !settled.ok || !settled.value) {
      this.waiting.remove(entry)
      if (this.waiting.size === 0) this.stop()
      // A probe whose call ended before it was sent says nothing: let the next one probe.
      this.settled(call, false)
      return false
    }
    this.host.granted(call, this.pace, this.host.clock.now() - queuedAt)
    return true
  }

  /**
   * The send of `call` has ended (or will not happen): if it was the probe, the burst may follow,
   * and a probe accepted at the edge of a guessed window confirms the guess.
   */
  settled(call: CallContext, succeeded: boolean): void {
    const grantedAt = this.grantedAt.get(call)
    if (grantedAt !== undefined) {
      this.grantedAt.delete(call)
      // The server's window holds only the sends it accepted: a refused send, or a turn given back
      // unused (the key was closed again meanwhile), leaves the log, or it would hold back a window.
      const index = succeeded ? -1 : this.grants.lastIndexOf(grantedAt)
      if (index >= 0) this.grants.splice(index, 1)
    }
    if (this.probe !== call) return
    this.probe = undefined
    if (succeeded && this.probeTestsGuess) this.pace.confirmWindow()
    this.lastGrantAt = this.host.clock.now()
    this.pump()
  }

  /** The pace changed: the slot booked by the old one is given back and the next one booked anew. */
  rebook(): void {
    if (this.booked === undefined) return
    this.stop()
    this.pump()
  }

  /** Lets every waiter go at once without a slot (the pace was forgotten or replaced). */
  flush(): void {
    this.stop()
    for (const waiter of this.waiting.drain()) waiter.grant(true)
  }

  /** The window the queue sends by, when it may send a quota together; else it spaces evenly. */
  private window(): { readonly count: number; readonly periodMs: number } | undefined {
    return this.host.windowed ? this.pace.window : undefined
  }

  private limits(): readonly PaceLimit[] {
    const { pace } = this
    const window = this.window()
    if (window === undefined) {
      const limit: PaceLimit = { key: pace.key, count: 1, periodMs: pace.intervalMs, burst: 1 }
      const { sharing } = this.host
      return [sharing === undefined ? limit : { ...limit, shared: sharing }]
    }
    return [{ key: pace.key, count: window.count, periodMs: window.periodMs, burst: window.count }]
  }

  /**
   * How long the window check holds the next send: the server counts a sliding window, so a send
   * waits until the one `count` grants before it is a whole window old (GCRA alone would let a
   * second quota follow the first within the window).
   */
  private windowWaitMs(now: number): number {
    const window = this.window()
    if (window === undefined || this.grants.length < window.count) return 0
    return (this.grants[this.grants.length - window.count] as number) + window.periodMs - now
  }

  private idle(now: number): boolean {
    return now - this.lastGrantAt > (this.window()?.periodMs ?? this.pace.intervalMs)
  }

  private pump(): void {
    if (this.probe !== undefined) return
    if (this.booking || this.booked !== undefined || this.timer !== undefined || this.waiting.size === 0)
      return
    const { clock } = this.host
    const waitMs = this.pace.waitEndsAt - clock.now()
    if (waitMs > 0) {
      // Booked only once the key's wait is over, so the schedule counts from when the send leaves.
      this.timer = clock.setTimer(() => {
        this.timer = undefined
        this.pump()
      }, waitMs)
      return
    }
    this.booking = true
    const limits = this.limits()
    const slot = this.host.reserve(limits)
    if (slot instanceof Promise) slot.then((booked) => this.schedule(limits, booked))
    else this.schedule(limits, slot)
  }

  private schedule(limits: readonly PaceLimit[], slot: PaceSlot): void {
    this.booking = false
    if (this.waiting.size === 0) {
      this.host.release(limits, slot)
      return
    }
    const { clock } = this.host
    const now = clock.now()
    // After an idle spell (a window that just ended, a first send), several processes may be woken
    // by the same instant: a little jitter spreads their probes.
    const idle = this.idle(now)
    const windowWaitMs = this.windowWaitMs(now)
    this.atEdge = windowWaitMs > 0
    const delayMs =
      Math.max(0, slot.delayMs, windowWaitMs) + (idle ? this.host.random() * this.host.jitterMs : 0)
    this.booked = { limits, slot }
    this.pace.nextSlotAt = now + delayMs
    this.timer = clock.setTimer(() => this.fire(), delayMs)
  }

  private fire(): void {
    const now = this.host.clock.now()
    if (this.pace.waitEndsAt > now) {
      // A refusal after the slot was booked gave the key a wait: book again once it is over.
      this.timer = undefined
      this.rebook()
      return
    }
    const booked = this.booked
    this.timer = undefined
    this.booked = undefined
    const waiter = this.waiting.shift()
    if (waiter !== undefined) {
      const window = this.window()
      if (window !== undefined) {
        // While the window is a guess, its first edge is probed: a wrong guess costs one refusal,
        // not a quota sent together into the server's window.
        this.probeTestsGuess = this.atEdge && this.pace.guessingWindow
        if (this.idle(now) || this.probeTestsGuess) this.probe = waiter.call
        this.grants.push(now)
        this.grantedAt.set(waiter.call, now)
        // A window never changes once learned: its last `count` grants are all the check reads.
        if (this.grants.length > window.count) this.grants.shift()
      }
      this.lastGrantAt = now
      waiter.grant(true)
    } else if (booked !== undefined) this.host.release(booked.limits, booked.slot)
    this.pump()
  }

  private stop(): void {
    if (this.timer !== undefined) this.host.clock.clearTimer(this.timer)
    this.timer = undefined
    if (this.booked !== undefined) this.host.release(this.booked.limits, this.booked.slot)
    this.booked = undefined
  }
}
