/**
 * Timers that are right for any delay. `setTimeout` stores its delay in a signed 32-bit integer:
 * Node, browsers and Vitest's fake timers all fire a delay above 2^31-1 ms (about 24.8 days) after
 * 1 ms. A flood window of weeks, a deadline of a month or `Infinity` must not end at once, so long
 * delays are cut into chunks that fit, and each chunk is armed for the time still left on the
 * clock, so time the process spent suspended, or a chunk that fired late, is not counted twice.
 * Runtime-free: the primitives are passed in.
 */

/** The longest delay `setTimeout` honours, ms (2^31-1). */
export const MAX_TIMER_DELAY_MS = 2_147_483_647

/** The primitives a {@link LongTimer} is built on: the platform's timer and a clock in ms. */
export interface TimerHost {
  /** Current time in ms, on the same scale as the delays. */
  now(): number
  /** Arms a platform timer of `ms` (never above `maxDelayMs`); returns its handle. */
  set(callback: () => void, ms: number): unknown
  /** Cancels a platform timer armed by `set`. */
  clear(handle: unknown): void
  /** The longest delay `set` may be given, ms; default 2^31-1 (2,147,483,647), the longest `setTimeout` honours. */
  readonly maxDelayMs?: number
}

/**
 * The delay a timer actually waits for `ms`: `NaN` and negative delays are 0 (as `setTimeout`
 * treats them), fractions round up (a timer never fires early), `Infinity` stays `Infinity`
 * (never fires).
 */
export function timerDelayOf(ms: number): number {
  return ms > 0 ? Math.ceil(ms) : 0
}

/** A running timer of any length; cancel it at any stage. */
export class LongTimer {
  private handle: unknown = undefined
  private armed = false
  private readonly endsAt: number
  private readonly chunkMs: number

  /** Starts a timer on `host` that calls `callback` once, `ms` from now. */
  constructor(
    private readonly host: TimerHost,
    private readonly callback: () => void,
    ms: number,
  ) {
    const delay = timerDelayOf(ms)
    this.chunkMs = host.maxDelayMs ?? MAX_TIMER_DELAY_MS
    // A delay that fits is one plain timer, with no clock read: the common case stays as cheap as
    // setTimeout, and fake timers that only move timers (not the clock) still fire it.
    if (delay <= this.chunkMs) {
      this.endsAt = Number.NaN
      this.arm(delay)
    } else {
      this.endsAt = delay === Number.POSITIVE_INFINITY ? delay : host.now() + delay
      if (this.endsAt !== Number.POSITIVE_INFINITY) this.arm(this.chunkMs)
    }
  }

  /** Whether a platform timer is armed (false once fired or cancelled, and for `Infinity`). */
  get pending(): boolean {
    return this.armed
  }

  /** Stops the timer; a no-op once it has fired or was cancelled. */
  cancel(): void {
    if (!this.armed) return
    this.armed = false
    this.host.clear(this.handle)
    this.handle = undefined
  }

  private arm(ms: number): void {
    this.armed = true
    this.handle = this.host.set(() => this.fire(), ms)
  }

  private fire(): void {
    if (!this.armed) return
    this.armed = false
    this.handle = undefined
    if (!Number.isNaN(this.endsAt)) {
      const left = this.endsAt - this.host.now()
      if (left > 0) {
        this.arm(Math.min(left, this.chunkMs))
        return
      }
    }
    this.callback()
  }
}

/** The platform's own timer, read from the globals on every call so fake timers installed later apply. */
export const globalTimerHost: TimerHost = {
  now: () => Date.now(),
  set: (callback, ms) => globalThis.setTimeout(callback, ms),
  clear: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Starts a {@link LongTimer} on the global timer: `setTimeout` without the 24.8-day limit. */
export function setLongTimeout(callback: () => void, ms: number): LongTimer {
  return new LongTimer(globalTimerHost, callback, ms)
}

/** Cancels a timer from {@link setLongTimeout}; `undefined` is accepted and ignored. */
export function clearLongTimeout(timer: LongTimer | undefined): void {
  timer?.cancel()
}
