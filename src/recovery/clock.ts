import { globalTimerHost, LongTimer } from './long-timer.js'

/**
 * Time as the engine sees it. Injected so that every wait can be tested with fake time, and so that
 * a runtime without the usual globals can still host the engine.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number
  /**
   * Calls `callback` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimer}.
   * The engine may ask for any delay, `Infinity` included (never fires) and delays past
   * `setTimeout`'s 2^31-1 ms: a clock of your own can build on `LongTimer` to honour them.
   */
  setTimer(callback: () => void, ms: number): unknown
  /** Cancels a timer that has not fired yet; a no-op for one that has. */
  clearTimer(handle: unknown): void
}

/**
 * The global clock: `Date.now` and `setTimeout`, through {@link LongTimer} so that delays past
 * 24.8 days and `Infinity` wait as long as asked. The globals are read on every call rather than
 * captured, so fake timers installed after import (`vi.useFakeTimers()`) still apply.
 * Timers are not `unref`'d: a pending call is real work, and only the user may decide that a
 * process can exit in the middle of it.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => new LongTimer(globalTimerHost, callback, ms),
  clearTimer: (handle) => (handle as LongTimer | undefined)?.cancel(),
}
