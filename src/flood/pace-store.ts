/**
 * Paced sends: a schedule of slots per rate limit, local or shared by many processes.
 *
 * Shaped like the flood store (see flood-store.ts) for a store that many processes share as much as
 * for one in memory: a pacer asks for the earliest slot at which one more send keeps every limit
 * it names, and the store books that slot at once (a reservation), so processes sharing a store are
 * handed distinct slots without polling. Delays are relative milliseconds, so no two clocks ever
 * need to agree; a shared store reads its own clock (Redis `TIME`).
 */

/** One rate limit: at most `count` sends per `periodMs`, with up to `burst` sends at once after a quiet spell. */
export interface PaceLimit {
  /** What the limit is counted against, e.g. an account's flood key, a bot, a chat. */
  readonly key: string
  /** Sends allowed per period (> 0). */
  readonly count: number
  /** The period, ms (> 0). */
  readonly periodMs: number
  /** Sends that may leave back to back after a quiet spell (>= 1; 1 means evenly spaced). */
  readonly burst: number
}

/** A slot booked for one send. */
export interface PaceSlot {
  /** Milliseconds from the reservation until the send may leave; 0 means now. */
  readonly delayMs: number
}

/** Where pacing state lives: in memory for one process, or in a shared store for a fleet. */
export interface PaceStore {
  /**
   * Books the earliest slot at which one more send keeps every limit in `limits` (checked together,
   * atomically), and returns how long to wait for it. `now` is the caller's clock, used only by
   * stores without a clock of their own.
   */
  reserve(limits: readonly PaceLimit[], now: number): PaceSlot | Promise<PaceSlot>
  /**
   * Gives back a slot booked by `reserve` that the call will not use (it ended first), so later
   * sends are not spaced for a send that never left. Best effort; optional.
   */
  release?(limits: readonly PaceLimit[], slot: PaceSlot, now: number): void | Promise<void>
}

/** Throws a clear error for a limit no schedule can keep (a zero count would divide by zero). */
export function checkPaceLimit(limit: PaceLimit): void {
  const fine =
    typeof limit.key === 'string' &&
    limit.count > 0 &&
    Number.isFinite(limit.count) &&
    limit.periodMs > 0 &&
    Number.isFinite(limit.periodMs) &&
    limit.burst >= 1 &&
    Number.isFinite(limit.burst)
  if (!fine) {
    throw new RangeError(
      `pace limit ${String(limit.key)}: needs count > 0, periodMs > 0 and burst >= 1, all finite ` +
        `(got count ${limit.count}, periodMs ${limit.periodMs}, burst ${limit.burst})`,
    )
  }
}
