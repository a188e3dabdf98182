import { describe, expect, it } from 'vitest'
import type { Policy } from '../../src/index.js'
import { engineOf } from '../../src/recovery/invoker.js'
import { capture, FakeClock, scriptedSend, setup } from './helpers.js'

/** Holds each call's first send on one key until `params.offsetMs` from the clock's start, as a pacer would. */
function slotPolicy(startAt: number): Policy {
  return {
    name: 'slot',
    beforeSend(call) {
      if (call.attempt > 0) return undefined
      const { offsetMs } = call.params as { offsetMs: number }
      return call.holdUntil('pace|k', startAt + offsetMs).then(() => undefined)
    },
  }
}

describe('call.holdUntil', () => {
  it('releases each call at its own time on one key, and calls with one time together', async () => {
    const clock = new FakeClock()
    const start = clock.now()
    const { send, sent } = scriptedSend(clock, () => 'ok')
    const { invoke } = setup({ clock, send, policies: [slotPolicy(start)] })
    const calls = [300, 100, 200, 100].map((offsetMs) => capture(invoke('m', { offsetMs })))
    await clock.advance(0)
    expect(engineOf(invoke).gate.heldKeys).toBe(3)
    expect(clock.pending).toBe(3)
    await clock.advance(100)
    expect(calls.map((c) => c.settled)).toEqual([false, true, false, true])
    await clock.advance(200)
    expect(calls.every((c) => c.value === 'ok')).toBe(true)
    expect(sent.map((s) => [s.at - start, (s.params as { offsetMs: number }).offsetMs])).toEqual([
      [100, 100],
      [100, 100],
      [200, 200],
      [300, 300],
    ])
    expect(engineOf(invoke).gate.heldKeys).toBe(0)
  })
})
