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
  /**
   * Set when the limit is a pace learned from the server's refusals and the store is shared by a
   * fleet: the store then keeps one pace for the key, which every process books with (see
   * {@link SharedPaceRequest}). A store for one process ignores it.
   */
  readonly shared?: SharedPaceRequest
}

/**
 * A learned pace kept once for the whole fleet, so processes sharing a flood key send at the key's
 * pace, not each at the share of it that its own refusal measured. It works as one process's pace
 * does, only over the fleet:
 * - **Discovery.** Refusals are reported as they happen ({@link PaceStore.shareRefusal}). While
 *   the key's first wait lasts, each process's measured share (its own accepted sends per window)
 *   adds up, counted once per process: one process saw only the sends it made, so the sum of the
 *   shares is what the server accepted from the fleet. By the time the wait ends and the refused
 *   calls book again, the sum is in.
 * - **Shrink.** A refusal of a send that followed the current shared pace shrinks it by
 *   `shrinkRatio` and caps its growth below the refused rate; refusals of sends that followed an
 *   older pace are the same episode and change nothing.
 * - **Growth.** Each booking (it travels in the reservation, no extra round trip) grows it back
 *   toward that cap by `growthRatio` of the cap.
 * - **Expiry.** It is forgotten `keepMs` after its last booking.
 *
 * While the key has no shared pace, a booking is spaced by the limit's own `periodMs / count`.
 */
export interface SharedPaceRequest {
  /** The process (pacer) asking: one id each, so that its share is counted once. */
  readonly member: string
  /** See `PacingOptions.shrinkRatio` (0..1). */
  readonly shrinkRatio: number
  /** See `PacingOptions.growthRatio` (0..1). */
  readonly growthRatio: number
  /** How long the shared pace outlives its last booking, ms (> 0). */
  readonly keepMs: number
}

/**
 * What a refusal taught one process, told to a shared store (see {@link SharedPaceRequest}). A
 * process that meets another's window in its store without being refused tells its share the same
 * way: its accepted sends were part of what filled the window.
 */
export interface PaceRefusal {
  /** The rate this process measured, sends per second (> 0): its share, or one per wait. */
  readonly ratePerSecond: number
  /** Whether accepted sends backed the rate; `false`: only "one per wait" is known, a floor. */
  readonly measured: boolean
  /** The version of the shared pace the refused send followed; 0 when it followed none. */
  readonly basis: number
  /** The wait the server gave, ms: how long the discovery's shares add up. */
  readonly waitMs: number
  /**
   * `true` when this process was not refused but met another's window in its store: its share may
   * add to the key's discovery, but never opens one (a window that taught no pace, such as a
   * FLOOD_PREMIUM_WAIT's, must not become one), and the answer says whether the fleet paces the key.
   */
  readonly joined?: boolean
}

/** The shared pace a store booked a limit with (see {@link SharedPaceRequest}). */
export interface SharedPace {
  /** Sends per second. */
  readonly ratePerSecond: number
  /** The rate growth may reach, sends per second; `Infinity` while no share was measured. */
  readonly ceilingPerSecond: number
  /** Changes whenever a refusal changes the pace (not on growth); a refusal names it as `basis`. */
  readonly version: number
}

/** A slot booked for one send. */
export interface PaceSlot {
  /** Milliseconds from the reservation until the send may leave; 0 means now. */
  readonly delayMs: number
  /**
   * For each limit (in order) with a `shared` request, the shared pace it was booked with; absent
   * from stores that keep none, and `undefined` for a limit whose key has none yet.
   */
  readonly shared?: readonly (SharedPace | undefined)[]
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
   * Tells a store shared by a fleet that this process was refused on `key`, so the fleet's one
   * pace for the key learns from it (see {@link SharedPaceRequest}); answers that pace afterwards,
   * or `undefined` when the key has none. Called once per refusal that changed this process's pace,
   * as it happens (not on the next booking, which waits for the server's wait to end). Optional: a
   * store for one process has nothing to share.
   */
  shareRefusal?(
    key: string,
    request: SharedPaceRequest,
    refusal: PaceRefusal,
    now: number,
  ): SharedPace | undefined | Promise<SharedPace | undefined>
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
  if (limit.shared !== undefined) checkSharedPaceRequest(limit.key, limit.shared)
}

/** Throws a clear error for a shared-pace request a store cannot keep. */
export function checkSharedPaceRequest(key: string, shared: SharedPaceRequest): void {
  const fine =
    typeof shared.member === 'string' &&
    /^[\w.-]{1,64}$/.test(shared.member) &&
    shared.shrinkRatio > 0 &&
    shared.shrinkRatio < 1 &&
    shared.growthRatio > 0 &&
    shared.growthRatio < 1 &&
    shared.keepMs > 0 &&
    Number.isFinite(shared.keepMs)
  if (!fine) {
    throw new RangeError(
      `pace key ${key}: a shared pace needs a member id of 1 to 64 word characters, shrink and ` +
        `growth ratios inside (0, 1) and a finite keepMs > 0 (got member ${String(shared.member)}, ` +
        `shrinkRatio ${shared.shrinkRatio}, growthRatio ${shared.growthRatio}, keepMs ${shared.keepMs})`,
    )
  }
}

/** Throws a clear error for a refusal report that says nothing a store could use. */
export function checkPaceRefusal(key: string, refusal: PaceRefusal): void {
  const fine =
    refusal.ratePerSecond > 0 &&
    Number.isFinite(refusal.ratePerSecond) &&
    typeof refusal.measured === 'boolean' &&
    (refusal.joined === undefined || typeof refusal.joined === 'boolean') &&
    Number.isSafeInteger(refusal.basis) &&
    refusal.basis >= 0 &&
    refusal.waitMs >= 0 &&
    Number.isFinite(refusal.waitMs)
  if (!fine) {
    throw new RangeError(
      `pace key ${key}: a refusal report needs a finite rate > 0, measured true or false, a whole ` +
        `basis >= 0 and a finite waitMs >= 0 (got rate ${refusal.ratePerSecond}, basis ` +
        `${refusal.basis}, waitMs ${refusal.waitMs})`,
    )
  }
}
