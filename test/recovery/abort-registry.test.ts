import { setImmediate as realSetImmediate } from 'node:timers'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { abortSubscriberCount, subscribeAbort, unsubscribeAbort } from '../../src/recovery/abort-registry.js'
import { capture, FakeClock, setup } from './helpers.js'

/** Node emits warnings on a later tick; one macrotask turn is past all of them. */
const turn = () => new Promise((resolve) => realSetImmediate(resolve))

const warnings: Error[] = []
const onWarning = (warning: Error) => warnings.push(warning)
process.on('warning', onWarning)
afterEach(() => {
  warnings.length = 0
})

describe('one abort listener per signal', () => {
  it('lets 50 calls share one AbortSignal without MaxListenersExceededWarning, and aborts them all', async () => {
    const clock = new FakeClock()
    const { invoke } = setup({ clock, send: () => new Promise(() => undefined) })
    const controller = new AbortController()
    const calls = Array.from({ length: 50 }, (_, i) =>
      capture(invoke('m.x', { i }, { signal: controller.signal, deadlineMs: 60_000 })),
    )
    // The guards (and so the listeners) are armed a microtask after a send is still pending.
    await turn()
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    expect(abortSubscriberCount(controller.signal)).toBe(50)
    controller.abort(new Error('batch cancelled'))
    await turn()
    for (const call of calls) expect((call.error as Error).message).toBe('batch cancelled')
    expect(abortSubscriberCount(controller.signal)).toBe(0)
    expect(clock.pending).toBe(0)
  })

  it('releases the listener when the calls end without an abort', async () => {
    const clock = new FakeClock()
    let release: (value: unknown) => void = () => undefined
    const answer = new Promise((resolve) => {
      release = resolve
    })
    const { invoke } = setup({ clock, send: () => answer })
    const controller = new AbortController()
    const calls = Array.from({ length: 20 }, () => invoke('m.x', {}, { signal: controller.signal }))
    await turn()
    expect(abortSubscriberCount(controller.signal)).toBe(20)
    release('ok')
    await expect(Promise.all(calls)).resolves.toEqual(Array(20).fill('ok'))
    expect(abortSubscriberCount(controller.signal)).toBe(0)
  })

  it('tells exactly the subscribers left, in any order of subscribe and unsubscribe', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(9)), { maxLength: 60 }), (steps) => {
        const controller = new AbortController()
        const told = new Set<number>()
        const subscribers = Array.from({ length: 10 }, (_, i) => ({ handleEvent: () => told.add(i) }))
        const expected = new Set<number>()
        for (const [add, i] of steps) {
          const subscriber = subscribers[i]!
          if (add) {
            subscribeAbort(controller.signal, subscriber)
            expected.add(i)
          } else {
            unsubscribeAbort(controller.signal, subscriber)
            expected.delete(i)
          }
        }
        expect(abortSubscriberCount(controller.signal)).toBe(expected.size)
        controller.abort()
        expect(told).toEqual(expected)
        expect(abortSubscriberCount(controller.signal)).toBe(0)
      }),
    )
  })
})
