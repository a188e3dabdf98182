import type { FloodKeyScope } from '../flood/flood-key.js'
import type { SharedPace } from '../flood/pace-store.js'

/** A quota guessed from one refusal: at most `count` sends per `periodMs`. */
export interface QuotaEstimate {
  readonly count: number
  readonly periodMs: number
  /** Whether accepted sends backed it; `false`: a refusal out of the blue, only "one per wait" is known. */
  readonly measured: boolean
}

/**
 * What a refusal says about the quota. The server accepted the sends at `acceptedAt` (oldest
 * first), then refused at `now` with a wait of `waitMs`: if the last n of them filled its window,
 * that window is `now - (n-th newest send) + wait` long and holds n sends. The n that gives the
 * highest rate is taken (a burst is the clearest sign of the window); a refusal with no accepted
 * send before it can only say "one per wait".
 */
export function estimateQuota(acceptedAt: readonly number[], now: number, waitMs: number): QuotaEstimate {
  let best: QuotaEstimate = { count: 1, periodMs: Math.max(1, waitMs), measured: false }
  for (let n = 1; n <= acceptedAt.length; n++) {
    const oldest = acceptedAt[acceptedAt.length - n] as number
    const periodMs = Math.max(1, now - oldest + waitMs)
    if (n / periodMs > best.count / best.periodMs || !best.measured)
      best = { count: n, periodMs, measured: true }
  }
  return best
}

/**
 * The whole-second window a measure allows, when shorter than the measure. A window is measured as
 * the time from the first accepted send to the refusal plus the wait, and the wait is whole seconds
 * rounded up, so the server's window lies in `(measured - 1000, measured]`: the one whole second in
 * that range is the likeliest window if the server counts whole seconds, as Telegram's waits
 * suggest. `undefined` when the measure is a whole second already or below one second.
 */
export function wholeSecondWindowMs(measuredMs: number): number | undefined {
  const wholeMs = Math.floor(measuredMs / 1000) * 1000
  return wholeMs >= 1000 && wholeMs < measuredMs ? wholeMs : undefined
}

/** How far an unmeasured pace may double: one send per millisecond is no pacing at all. */
const MAX_UNMEASURED_RATE = 1

/** Tuning a learned pace needs (see `PacingOptions`). */
export interface PaceTuning {
  readonly shrinkRatio: number
  readonly growthRatio: number
  readonly safetyMarginMs: number
}

/**
 * The pace learned for one flood key: sends per millisecond, shrunk on each refusal and grown back
 * slowly on success, never above the best rate measured (the server has shown it refuses more).
 * A pace guessed from a refusal with no accepted send behind it ("one per wait") is only a floor:
 * it doubles on each success, as slow start does, until a later refusal measures the quota.
 */
export class LearnedPace {
  /** Sends per ms now. */
  rate: number
  /**
   * The window the first refusal measured (its sends and its length plus the margin), trusted for
   * sending a quota together until a later refusal contradicts it; then `undefined` for good, and
   * sends are evenly spaced. A limit that is not a sliding window (a fixed penalty that forgives
   * the calls that earned it) measures a window far shorter than its own, and would refuse every
   * burst sent at that window's edge, each refusal costing a penalty and a shrink.
   */
  window: { readonly count: number; readonly periodMs: number } | undefined
  /**
   * The window as measured, while `window` holds the whole-second guess inside the measure (see
   * {@link wholeSecondWindowMs}): a refusal of the guess falls back to it instead of ending windows.
   */
  private measuredWindowMs: number | undefined
  /** The highest rate growth may reach: the quota measured, lowered by later refusals. */
  ceiling: number
  /** Whether a refusal after accepted sends has measured the quota (else the ceiling is unknown). */
  measured: boolean
  /** When the pace was last shrunk: refusals of sends that left before it belong to the same episode. */
  changedAt: number
  /** When a send last used this pace (for forgetting after a quiet spell). */
  usedAt: number
  /** Calls waiting for a turn on this key. */
  waiting = 0
  /** When the next local turn may start (epoch ms), for snapshots. */
  nextSlotAt: number
  /**
   * When the last wait the server gave this key ends (epoch ms): no turn is given before, since a
   * turn inside the wait is given back unused, and would count in the window as a send.
   */
  waitEndsAt = 0
  /**
   * The version of the fleet's shared pace this one follows (see `SharedPaceRequest`), 0 for none:
   * a refusal of a send made since names it, so the store shrinks that pace once, not per process.
   */
  sharedVersion = 0
  /**
   * Made from a window another process recorded (see `PacingService.joinWindow`), until the fleet's
   * store says it paces the key; a refusal here makes it this process's own as well.
   */
  provisional = false

  constructor(
    /** The flood key the pace is counted on. */
    readonly key: string,
    /** The scope the key was built for, so calls can be matched to it. */
    readonly scope: FloodKeyScope,
    /** The method it was learned on (an account-wide key paces every method). */
    readonly method: string,
    estimate: QuotaEstimate,
    tuning: PaceTuning,
    now: number,
  ) {
    const periodMs = estimate.periodMs + tuning.safetyMarginMs
    this.rate = estimate.count / periodMs
    if (estimate.measured && estimate.count > 1) {
      const wholeMs = wholeSecondWindowMs(estimate.periodMs)
      this.window = {
        count: estimate.count,
        periodMs: (wholeMs ?? estimate.periodMs) + tuning.safetyMarginMs,
      }
      if (wholeMs !== undefined) this.measuredWindowMs = periodMs
    }
    this.measured = estimate.measured
    this.ceiling = estimate.measured ? this.rate : Number.POSITIVE_INFINITY
    this.changedAt = now
    this.usedAt = now
    this.nextSlotAt = now
  }

  /** Whether `window` is the whole-second guess, not confirmed yet by a send at its edge. */
  get guessingWindow(): boolean {
    return this.window !== undefined && this.measuredWindowMs !== undefined
  }

  /** A send at the edge of the guessed window was accepted: the guess holds, keep it. */
  confirmWindow(): void {
    this.measuredWindowMs = undefined
  }

  /** Milliseconds between sends at the current rate. */
  get intervalMs(): number {
    return 1 / this.rate
  }

  /**
   * A later refusal: shrink multiplicatively (and to the new estimate if that is lower). Refusals
   * of sends that left before the last change are the same episode and change nothing; a new one
   * also ends sending by windows (the window measured was wrong). While the window is the
   * whole-second guess, a refusal with a wait of one second only falls back to the window measured:
   * a send between the guess and the measure meets at most the rest of a window shorter than one
   * second; a longer wait says more than the guess was wrong. Returns whether the pace changed.
   */
  refused(estimate: QuotaEstimate, sentAt: number, waitMs: number, tuning: PaceTuning, now: number): boolean {
    if (sentAt <= this.changedAt) return false
    const { window, measuredWindowMs } = this
    if (window !== undefined && measuredWindowMs !== undefined && waitMs <= 1000) {
      this.window = { count: window.count, periodMs: measuredWindowMs }
      this.measuredWindowMs = undefined
      this.changedAt = now
      this.usedAt = now
      return true
    }
    const before = this.rate
    this.rate = before * tuning.shrinkRatio
    this.window = undefined
    if (estimate.measured) {
      const measured = estimate.count / (estimate.periodMs + tuning.safetyMarginMs)
      this.rate = Math.min(this.rate, measured)
      // Never grow back to a rate the server has just refused; a fresh measure may lower the cap.
      const cap = Math.max(measured, before * 0.9)
      this.ceiling = this.measured ? Math.min(this.ceiling, cap) : cap
      this.measured = true
    }
    this.ceiling = Math.max(this.ceiling, this.rate)
    this.changedAt = now
    this.usedAt = now
    return true
  }

  /**
   * Takes the fleet's shared pace, which the store just booked a send with: it is the key's pace
   * now, in this process too (its snapshot, and its own schedule should the store fail). A new
   * version is a change: refusals of sends that left before it belong to the episode it ended.
   * Returns whether the version changed.
   */
  follow(shared: SharedPace, now: number): boolean {
    this.rate = shared.ratePerSecond / 1000
    this.ceiling = shared.ceilingPerSecond / 1000
    this.measured = Number.isFinite(this.ceiling)
    this.window = undefined
    this.measuredWindowMs = undefined
    if (shared.version === this.sharedVersion) return false
    this.sharedVersion = shared.version
    this.changedAt = now
    return true
  }

  /** A send on this key succeeded: grow back toward the ceiling, additively. */
  succeeded(tuning: PaceTuning, now: number): void {
    this.usedAt = now
    if (!this.measured) this.rate = Math.min(this.rate * 2, MAX_UNMEASURED_RATE)
    else if (this.rate < this.ceiling) {
      this.rate = Math.min(this.ceiling, this.rate + this.ceiling * tuning.growthRatio)
    }
  }
}
