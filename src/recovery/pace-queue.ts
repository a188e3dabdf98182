import type { PaceLimit, PaceSlot } from '../flood/pace-store.js'
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
 * With a store of its own (`windowed`), it sends as the server counts: the first send after an
 * idle spell is a probe, and once it succeeded the rest of the window's quota leaves together,
 * the next quota one measured window after; a burst never goes out before its probe answered.
 */
export class PaceQueue {
  private readonly waiting = new TurnQueue()
  private timer: unknown = undefined
  private booking = false
  private booked: { limits: readonly PaceLimit[]; slot: PaceSlot } | undefined = undefined
  private lastGrantAtMs = Number.NEGATIVE_INFINITY
  /** Recent grant times, oldest first (windowed only). */
  private readonly grants: number[] = []
  /** The probe sent after an idle spell, until its outcome is known (windowed only). */
  private probe: CallContext | undefined = undefined

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
    const queuedAtMs = this.host.clock.now()
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
      this.settled(call)
      return false
    }
    this.host.granted(call, this.pace, this.host.clock.now() - queuedAtMs)
    return true
  }

  /** The send of `call` has ended (or will not happen): if it was the probe, the burst may follow. */
  settled(call: CallContext): void {
    if (this.probe !== call) return
    this.probe = undefined
    this.lastGrantAtMs = this.host.clock.now()
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
    if (window === undefined) return [{ key: pace.key, count: 1, periodMs: pace.intervalMs, burst: 1 }]
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
    return now - this.lastGrantAtMs > (this.window()?.periodMs ?? this.pace.intervalMs)
  }

  private pump(): void {
    if (this.probe !== undefined) return
    if (this.booking || this.booked !== undefined || this.waiting.size === 0) return
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
    const delayMs =
      Math.max(0, slot.delayMs, this.windowWaitMs(now)) + (idle ? this.host.random() * this.host.jitterMs : 0)
    this.booked = { limits, slot }
    this.pace.nextSlotAtMs = now + delayMs
    this.timer = clock.setTimer(() => this.fire(), delayMs)
  }

  private fire(): void {
    const booked = this.booked
    this.timer = undefined
    this.booked = undefined
    const waiter = this.waiting.shift()
    if (waiter !== undefined) {
      const now = this.host.clock.now()
      const window = this.window()
      if (window !== undefined) {
        if (this.idle(now)) this.probe = waiter.call
        this.grants.push(now)
        // A window never changes once learned: its last `count` grants are all the check reads.
        if (this.grants.length > window.count) this.grants.shift()
      }
      this.lastGrantAtMs = now
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
