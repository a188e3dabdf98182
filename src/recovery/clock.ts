/**
 * Time as the engine sees it. Injected so that every wait can be tested with fake time, and so that
 * a runtime without the usual globals can still host the engine.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number
  /** Calls `callback` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimer}. */
  setTimer(callback: () => void, ms: number): unknown
  /** Cancels a timer that has not fired yet; a no-op for one that has. */
  clearTimer(handle: unknown): void
}

/**
 * The global clock: `Date.now` and `setTimeout`. The globals are read on every call rather than
 * captured, so fake timers installed after import (`vi.useFakeTimers()`) still apply.
 * Timers are not `unref`'d: a pending call is real work, and only the user may decide that a
 * process can exit in the middle of it.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimer: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
}
