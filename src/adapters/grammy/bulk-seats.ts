import type { CallContext } from '../../recovery/policy.js'

/**
 * How many bulk messages of one transformer may hold a booked slot at once. Slots are handed out
 * in the order they are asked for, so a broadcast that booked its thousand slots at once would put
 * every reply behind all of them. A bulk message therefore books only when it gets a seat (one of
 * about a second's worth of the bot's pace), and gives the seat up when it leaves: the broadcast
 * keeps the bot's pace full, while an interactive message books behind at most those seats (per
 * process sharing the store) instead of behind the whole broadcast.
 */
export class BulkSeats {
  private free: number
  private readonly waiting: Array<{ granted: boolean; grant: () => void }> = []

  /** `seats`: bulk messages that may hold a slot at once (>= 1). */
  constructor(seats: number) {
    this.free = Math.max(1, Math.floor(seats))
  }

  /**
   * Takes a seat for `call`, waiting in turn. Resolves `true` with the seat, `false` if the call
   * ended first (and then holds none).
   */
  async take(call: CallContext): Promise<boolean> {
    if (this.free > 0) {
      this.free--
      return true
    }
    const waiter: { granted: boolean; grant: () => void } = { granted: false, grant: () => undefined }
    const seated = new Promise<void>((resolve) => {
      waiter.grant = () => {
        waiter.granted = true
        resolve()
      }
    })
    this.waiting.push(waiter)
    if ((await call.settle(seated)) !== undefined) return true
    // The call ended while waiting: leave the queue, or pass on a seat handed over meanwhile.
    if (waiter.granted) this.give()
    else this.waiting.splice(this.waiting.indexOf(waiter), 1)
    return false
  }

  /** Gives a seat up: to the next bulk message waiting, else back to the pool. */
  give(): void {
    const next = this.waiting.shift()
    if (next === undefined) this.free++
    else next.grant()
  }
}
