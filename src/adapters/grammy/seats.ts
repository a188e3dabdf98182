import type { CallContext } from '../../recovery/policy.js'

/**
 * A fixed number of seats that calls take in turn and give back (a counting semaphore whose
 * waits end with the call: deadline, signal, `close()`). The pacing policy keeps two: bookings in
 * flight, and bulk messages holding a slot.
 */
export class Seats {
  private free: number
  private readonly waiting: Array<{ granted: boolean; grant: () => void }> = []

  /** `seats`: how many calls may hold one at once (>= 1). */
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

  /** Gives a seat up: to the next call waiting, else back to the pool. */
  give(): void {
    const next = this.waiting.shift()
    if (next === undefined) this.free++
    else next.grant()
  }
}
