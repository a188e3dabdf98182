import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createInvoker,
  DeadlineExceededError,
  type InvokerOptions,
  LongTimer,
  RpcError,
  setLongTimeout,
  systemClock,
  type TimerHost,
} from '../../src/index.js'
import { MAX_TIMER_DELAY_MS } from '../../src/recovery/long-timer.js'
import { capture } from './helpers.js'

const DAY_MS = 86_400_000

/**
 * Durations of every kind a timer may be handed: short ones, ones just around setTimeout's 32-bit
 * limit, months and years, `Infinity`, and the nonsense (`NaN`, negative) that must mean 0.
 * Finite ones stay below ~30 years so that fake time can walk through them in a few hundred chunks.
 */
const anyDuration = fc.oneof(
  fc.integer({ min: 0, max: 10_000 }),
  fc.integer({ min: MAX_TIMER_DELAY_MS - 5, max: MAX_TIMER_DELAY_MS + 5 }),
  fc.integer({ min: MAX_TIMER_DELAY_MS, max: 1e12 }),
  fc.double({ min: 0, max: 1e12, noNaN: true }),
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.NaN, -1, -1e300, Number.NEGATIVE_INFINITY, -0),
)

/** The time at which a timer of `ms` must fire, counted from its start. */
function dueAfter(ms: number): number {
  return ms > 0 ? Math.ceil(ms) : 0
}

afterEach(() => {
  vi.useRealTimers()
})

describe('Vitest fake timers model the 32-bit overflow (what the fix is tested against)', () => {
  it('fires a plain setTimeout above 2^31-1 ms after 1 ms, as Node does', () => {
    vi.useFakeTimers()
    const fired = vi.fn()
    setTimeout(fired, MAX_TIMER_DELAY_MS + 1)
    vi.advanceTimersByTime(1)
    expect(fired).toHaveBeenCalledOnce()
  })
})

describe('systemClock timers of any length', () => {
  it('fire once, exactly when due, for any duration (Infinity never)', () => {
    fc.assert(
      fc.property(anyDuration, (ms) => {
        vi.useFakeTimers()
        try {
          const fired = vi.fn()
          systemClock.setTimer(fired, ms)
          const due = dueAfter(ms)
          if (due === Number.POSITIVE_INFINITY) {
            vi.advanceTimersByTime(1e12)
            expect(fired).not.toHaveBeenCalled()
            // Nothing armed at all: no 1 ms loop, nothing keeping a process awake.
            expect(vi.getTimerCount()).toBe(0)
            return
          }
          if (due > 0) {
            vi.advanceTimersByTime(due - 1)
            expect(fired).not.toHaveBeenCalled()
          }
          vi.advanceTimersByTime(1)
          expect(fired).toHaveBeenCalledOnce()
          expect(vi.getTimerCount()).toBe(0)
        } finally {
          vi.useRealTimers()
        }
      }),
      { numRuns: 200 },
    )
  })

  it('can be cancelled at every stage, leaving no timer', () => {
    fc.assert(
      fc.property(anyDuration, fc.double({ min: 0, max: 1, noNaN: true }), (ms, fraction) => {
        vi.useFakeTimers()
        try {
          const fired = vi.fn()
          const handle = systemClock.setTimer(fired, ms)
          const due = dueAfter(ms)
          const before = due === Number.POSITIVE_INFINITY ? 1e11 : Math.floor((due - 1) * fraction)
          if (before > 0) vi.advanceTimersByTime(before)
          systemClock.clearTimer(handle)
          systemClock.clearTimer(handle)
          expect(vi.getTimerCount()).toBe(0)
          vi.advanceTimersByTime(due === Number.POSITIVE_INFINITY ? 1e11 : due + 1)
          expect(fired).not.toHaveBeenCalled()
        } finally {
          vi.useRealTimers()
        }
      }),
      { numRuns: 200 },
    )
  })
})

/** A host whose clock a test moves by hand, and whose timers overflow as Node's do. */
class JumpyHost implements TimerHost {
  #now = 0
  readonly armed = new Map<number, { at: number; callback: () => void }>()
  private nextId = 1
  now(): number {
    return this.#now
  }
  set(callback: () => void, ms: number): unknown {
    const id = this.nextId++
    this.armed.set(id, { at: this.#now + (ms > MAX_TIMER_DELAY_MS ? 1 : ms), callback })
    return id
  }
  clear(handle: unknown): void {
    this.armed.delete(handle as number)
  }
  /** Fires the earliest armed timer, moving the clock to its time plus `lateMs`. */
  fireNext(lateMs = 0): void {
    const [id, timer] = [...this.armed].sort((a, b) => a[1].at - b[1].at)[0] ?? []
    if (id === undefined || timer === undefined) throw new Error('nothing armed')
    this.armed.delete(id)
    this.#now = Math.max(this.#now, timer.at + lateMs)
    timer.callback()
  }
}

describe('LongTimer against the clock', () => {
  it('counts time that passed while the process slept, so a late chunk does not delay the end', () => {
    const host = new JumpyHost()
    const fired = vi.fn()
    new LongTimer(host, fired, 40 * DAY_MS)
    // The first chunk fires 10 days late (a suspended laptop): only the rest is waited for.
    host.fireNext(10 * DAY_MS)
    expect(fired).not.toHaveBeenCalled()
    host.fireNext()
    expect(fired).toHaveBeenCalledOnce()
    expect(host.now()).toBe(40 * DAY_MS)
    expect(host.armed.size).toBe(0)
  })

  it('fires at once when a chunk wakes after the end', () => {
    const host = new JumpyHost()
    const fired = vi.fn()
    const timer = new LongTimer(host, fired, 30 * DAY_MS)
    host.fireNext(20 * DAY_MS)
    expect(fired).toHaveBeenCalledOnce()
    expect(timer.pending).toBe(false)
  })

  it('honours a host with a smaller limit of its own', () => {
    const host = new JumpyHost()
    const limited: TimerHost = {
      now: () => host.now(),
      set: (callback, ms) => {
        expect(ms).toBeLessThanOrEqual(1000)
        return host.set(callback, ms)
      },
      clear: (handle) => host.clear(handle),
      maxDelayMs: 1000,
    }
    const fired = vi.fn()
    new LongTimer(limited, fired, 2500)
    host.fireNext()
    host.fireNext()
    expect(fired).not.toHaveBeenCalled()
    host.fireNext()
    expect(fired).toHaveBeenCalledOnce()
    expect(host.now()).toBe(2500)
  })
})

describe('on the real clock', () => {
  it('a timer past 2^31 ms does not fire before a 30 ms one', async () => {
    const order: string[] = []
    const long = setLongTimeout(() => order.push('long'), MAX_TIMER_DELAY_MS + 1_000)
    try {
      // Without the fix Node fires the long one after 1 ms, ahead of the sentinel.
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          order.push('sentinel')
          resolve()
        }, 30),
      )
      expect(order).toEqual(['sentinel'])
      expect(long.pending).toBe(true)
    } finally {
      long.cancel()
    }
    expect(long.pending).toBe(false)
  })
})

describe('the engine with long time values', () => {
  it('keeps a call with a 30-day deadline waiting for 30 days, not 1 ms', async () => {
    vi.useFakeTimers()
    const invoke = createInvoker({ send: () => new Promise(() => undefined), random: () => 0.5 })
    const result = capture(invoke('m.x', {}, { deadlineMs: 30 * DAY_MS }))
    await vi.advanceTimersByTimeAsync(29 * DAY_MS)
    expect(result.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(DAY_MS)
    expect(result.error).toBeInstanceOf(DeadlineExceededError)
    expect(vi.getTimerCount()).toBe(0)
  })

  /** An invoker on the global (fake) clock whose transport fails once with `failure`, then answers `ok`. */
  function failingOnce(failure: RpcError, options: Partial<InvokerOptions> = {}) {
    vi.useFakeTimers()
    const sentAt: number[] = []
    const invoke = createInvoker({
      send: () => {
        sentAt.push(Date.now())
        return sentAt.length === 1 ? failure : 'ok'
      },
      random: () => 0.5,
      deadlineMs: Number.POSITIVE_INFINITY,
      ...options,
    })
    return { sentAt, result: capture(invoke('m.x', {})) }
  }

  it('sits through a flood wait of millions of seconds instead of retrying at once', async () => {
    const { sentAt, result } = failingOnce(RpcError.from(420, 'FLOOD_WAIT_3000000'), {
      maxFloodWaitMs: Number.POSITIVE_INFINITY,
    })
    await vi.advanceTimersByTimeAsync(DAY_MS)
    expect(sentAt).toHaveLength(1)
    expect(result.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(3_000_000_000 - DAY_MS)
    expect(result.value).toBe('ok')
    expect(sentAt[1]! - sentAt[0]!).toBe(3_000_000_000)
  })

  it('backs off for 40 days when told to, rather than retrying after 1 ms', async () => {
    const { sentAt, result } = failingOnce(RpcError.from(500, 'INTERNAL'), {
      baseDelayMs: 40 * DAY_MS,
      maxDelayMs: Number.POSITIVE_INFINITY,
    })
    await vi.advanceTimersByTimeAsync(39 * DAY_MS)
    expect(sentAt).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(DAY_MS)
    expect(result.value).toBe('ok')
    expect(sentAt[1]! - sentAt[0]!).toBe(40 * DAY_MS)
  })
})
