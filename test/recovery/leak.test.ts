import { afterEach, describe, expect, it, vi } from 'vitest'
import { createInvoker, MemoryFloodStore, RpcError, type SendRequest } from '../../src/index.js'
import { engineOf } from '../../src/recovery/invoker.js'

/** An AbortSignal whose listeners are counted, to prove that every one added is removed. */
function countingSignal(controller: AbortController, active: { count: number }): AbortSignal {
  const signal = controller.signal
  const add = signal.addEventListener.bind(signal)
  const remove = signal.removeEventListener.bind(signal)
  const listeners = new Set<unknown>()
  signal.addEventListener = ((
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: unknown,
  ) => {
    if (!listeners.has(listener)) {
      listeners.add(listener)
      active.count++
    }
    add(type, listener, options as AddEventListenerOptions)
  }) as typeof signal.addEventListener
  signal.removeEventListener = ((type: string, listener: EventListenerOrEventListenerObject) => {
    if (listeners.delete(listener)) active.count--
    remove(type, listener)
  }) as typeof signal.removeEventListener
  return signal
}

afterEach(() => {
  vi.useRealTimers()
})

describe('no timer, listener or promise outlives its call', () => {
  it('holds after 20,000 calls of successes, flood waits, retries, deadlines and aborts', async () => {
    vi.useFakeTimers()
    const store = new MemoryFloodStore()
    const flooded = new Set<string>()
    const failedOnce = new Set<string>()
    const send = (request: SendRequest): unknown => {
      const { kind, id } = request.params as { kind: string; id: string }
      switch (kind) {
        case 'long-flood':
          throw RpcError.from(420, 'FLOOD_WAIT_1000')
        case 'flood':
          // The first call of each key is flooded; the others are held by the gate meanwhile.
          if (!flooded.has(id)) {
            flooded.add(id)
            throw RpcError.from(420, 'FLOOD_WAIT_1')
          }
          return 'ok'
        case 'retry':
          if (!failedOnce.has(id)) {
            failedOnce.add(id)
            return Promise.reject(RpcError.from(500, 'INTERNAL'))
          }
          return Promise.resolve('ok')
        case 'hang':
          return new Promise((_resolve, reject) => {
            request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true })
          })
        default:
          return 'ok'
      }
    }
    const invoke = createInvoker({
      send,
      floodStore: store,
      random: () => 0.5,
      maxFloodWaitMs: 5_000,
      // Keys per parameters (the engine's own default) give one window per call here.
      catalog: false,
      // Every held call is released at the window's end here; paced release has its own leak
      // checks in pacing.test.ts.
      pacing: false,
    })
    const listeners = { count: 0 }
    const sharedSignal = countingSignal(new AbortController(), listeners)
    const outcomes = { ok: 0, failed: 0 }
    // Every count checked below is exact, so one call left behind fails the test at any total; ten
    // batches are enough to show that nothing piles up from one batch to the next.
    const total = 20_000
    const batch = 2_000

    for (let start = 0; start < total; start += batch) {
      const calls: Promise<unknown>[] = []
      const aborters: AbortController[] = []
      for (let i = start; i < start + batch; i++) {
        const slot = i % 20
        const id = `${start}:${i % 7}`
        const aborted = (): AbortSignal => {
          const controller = new AbortController()
          aborters.push(controller)
          return countingSignal(controller, listeners)
        }
        if (slot < 11) calls.push(invoke('m.ok', { kind: 'ok', id: String(i) }, { signal: sharedSignal }))
        else if (slot < 14) calls.push(invoke('m.flood', { kind: 'flood', id }, { signal: sharedSignal }))
        else if (slot < 16) calls.push(invoke('m.retry', { kind: 'retry', id: String(i) }))
        else if (slot < 17) calls.push(invoke('m.hang', { kind: 'hang', id: String(i) }, { deadlineMs: 500 }))
        else if (slot < 18)
          calls.push(invoke('m.hang', { kind: 'hang', id: String(i) }, { signal: aborted() }))
        else if (slot < 19) {
          // Aborted in the middle of a 1,000 s backoff: its timer must go with it.
          const long = { baseDelayMs: 1_000_000, maxDelayMs: 1_000_000, deadlineMs: Number.POSITIVE_INFINITY }
          const options = { signal: aborted(), ...long }
          calls.push(invoke('m.retry', { kind: 'retry', id: `long${i}` }, options))
        } else {
          // Aborted in the middle of a 1,000 s flood wait: so must the key's timer.
          const options = {
            signal: aborted(),
            maxFloodWaitMs: 2_000_000,
            deadlineMs: Number.POSITIVE_INFINITY,
          }
          calls.push(invoke('m.flood', { kind: 'long-flood', id: String(i) }, options))
        }
      }
      const settled = Promise.allSettled(calls)
      await vi.advanceTimersByTimeAsync(100)
      for (const controller of aborters) controller.abort()
      await vi.advanceTimersByTimeAsync(3_000)
      for (const result of await settled) outcomes[result.status === 'fulfilled' ? 'ok' : 'failed']++
    }

    expect(outcomes.ok + outcomes.failed).toBe(total)
    // 11 + 3 + 2 of every 20 succeed; deadlines and aborts (4 of 20) fail.
    expect(outcomes.failed).toBe(total * (4 / 20))
    // Checked before time moves on: a timer left behind by an aborted wait would still be pending.
    expect(vi.getTimerCount()).toBe(0)
    expect(listeners.count).toBe(0)
    expect(invoke.pendingCount).toBe(0)
    expect(engineOf(invoke).gate.heldKeys).toBe(0)
    // The 1,000 s windows are still open (and must stay remembered); once they end, nothing is left.
    expect(store.size).toBe(total / 20)
    vi.advanceTimersByTime(1_000_000)
    store.purge(Date.now())
    expect(store.size).toBe(0)
  }, 60_000)
})
