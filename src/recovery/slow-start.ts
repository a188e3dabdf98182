import type { CallContext } from './policy.js'
import { type CallPriority, TurnQueue, type TurnWaiter } from './turn-queue.js'

/**
 * Discovery for a method known to meet flood limits, as TCP's slow start: at first only
 * `initialInFlight` sends may be in flight, and each success lets one more go, so a burst grows
 * 1, 2, 4, 8... per round trip. A limit the server enforces is then met by a few sends rather than
 * by the whole burst; a method that is not limited reaches `maxInFlight` within a few round trips
 * and is let go for good.
 */
export class SlowStart {
  private inFlight = 0
  private limit: number
  private readonly waiting = new TurnQueue()
  /** Set once discovery is over (refused, or grown past the cap): everyone goes. */
  finished = false

  constructor(
    readonly method: string,
    initialInFlight: number,
    private readonly maxInFlight: number,
  ) {
    this.limit = initialInFlight
  }

  /** Sends in flight, and how many may be. */
  get state(): { readonly inFlight: number; readonly limit: number; readonly waiting: number } {
    return { inFlight: this.inFlight, limit: this.limit, waiting: this.waiting.size }
  }

  /** Takes a place in flight if one is free; the caller must `done()` it after its send. */
  tryEnter(): boolean {
    if (this.finished) return false
    if (this.inFlight >= this.limit) return false
    this.inFlight++
    return true
  }

  /**
   * Waits for a place. Resolves `true` with the place taken, `false` when discovery finished
   * meanwhile (no place needed) or the call ended.
   */
  async wait(call: CallContext, priority: CallPriority): Promise<boolean> {
    let waiter: TurnWaiter | undefined
    const turn = new Promise<boolean>((resolve) => {
      waiter = { call, grant: resolve }
    })
    const entry = waiter as TurnWaiter
    this.waiting.push(entry, priority)
    const settled = await call.settle(turn)
    if (settled === undefined) {
      this.waiting.remove(entry)
      return false
    }
    return settled.ok && settled.value
  }

  /** A send that held a place has ended; a success widens the window. Returns true once discovery is over. */
  done(succeeded: boolean): boolean {
    if (this.finished) return true
    this.inFlight--
    if (succeeded) this.limit++
    if (this.limit >= this.maxInFlight) {
      this.finish()
      return true
    }
    while (this.inFlight < this.limit) {
      const waiter = this.waiting.shift()
      if (waiter === undefined) break
      this.inFlight++
      waiter.grant(true)
    }
    return false
  }

  /** Ends discovery: every waiter goes without a place (a learned pace, or nothing, takes over). */
  finish(): void {
    this.finished = true
    for (const waiter of this.waiting.drain()) waiter.grant(false)
  }
}
