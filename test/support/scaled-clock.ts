import type { Clock } from '../../src/recovery/clock.js'
import { LongTimer, MAX_TIMER_DELAY_MS, type TimerHost } from '../../src/recovery/long-timer.js'

/**
 * A clock on which time runs `factor` times faster than on the wall clock: a 35 s flood wait takes
 * 35 / factor real seconds. Give the same clock to the simulated server and to the engine, so that
 * both agree on when a window ends while tests and benches over real sockets stay short.
 */
export function scaledClock(factor: number, startAt: number = Date.now()): Clock {
  if (!(factor > 0)) throw new RangeError('scaledClock: factor must be positive')
  const realStart = performance.now()
  // performance.now(): whole wall-clock milliseconds would make scaled time jump by `factor` ms.
  const now = () => startAt + (performance.now() - realStart) * factor
  const host: TimerHost = {
    now,
    // Timers may fire a little early against a sub-millisecond clock; the engine checks its flood
    // windows again on waking, so an early timer only costs one more short wait.
    set: (callback, ms) => setTimeout(callback, Math.ceil(ms / factor)),
    clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    // In scaled time, so that the real delay handed to setTimeout still fits its 32 bits.
    maxDelayMs: Math.floor(MAX_TIMER_DELAY_MS * Math.min(1, factor)),
  }
  return {
    now,
    setTimer: (callback, ms) => new LongTimer(host, callback, ms),
    clearTimer: (handle) => (handle as LongTimer | undefined)?.cancel(),
  }
}
