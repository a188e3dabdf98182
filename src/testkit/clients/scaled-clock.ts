import type { Clock } from '../../recovery/clock.js'

/**
 * A clock on which time runs `factor` times faster than on the wall clock: a 35 s flood wait takes
 * 35 / factor real seconds. Give the same clock to the simulated server and to the engine, so that
 * both agree on when a window ends while tests and benches over real sockets stay short.
 */
export function scaledClock(factor: number, startMs: number = Date.now()): Clock {
  if (!(factor > 0)) throw new RangeError('scaledClock: factor must be positive')
  const realStart = performance.now()
  return {
    // performance.now(): whole wall-clock milliseconds would make scaled time jump by `factor` ms.
    now: () => startMs + (performance.now() - realStart) * factor,
    // Timers may fire a little early against a sub-millisecond clock; the engine checks its flood
    // windows again on waking, so an early timer only costs one more short wait.
    setTimer: (callback, ms) => setTimeout(callback, Math.ceil(Math.max(0, ms) / factor)),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  }
}
