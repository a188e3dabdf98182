import { describe, expect, it } from 'vitest'
import { Seats } from '../../src/adapters/grammy/seats.js'
import type { CallContext } from '../../src/recovery/policy.js'

/** A call whose end can be triggered: `settle` then answers `undefined`, as the engine's does. */
function endableCall() {
  let end: () => void = () => undefined
  const ended = new Promise<undefined>((resolve) => {
    end = () => resolve(undefined)
  })
  const call = {
    settle: (work: PromiseLike<unknown>) =>
      Promise.race([Promise.resolve(work).then((value) => ({ ok: true, value })), ended]),
  } as unknown as CallContext
  return { call, end }
}

describe('seats the pacing policy hands out', () => {
  it('seats callers in turn, and a caller that ends while waiting neither holds nor loses a seat', async () => {
    const seats = new Seats(1)
    const first = endableCall()
    const second = endableCall()
    const third = endableCall()
    expect(await seats.take(first.call)).toBe(true)
    const secondTurn = seats.take(second.call)
    const thirdTurn = seats.take(third.call)
    second.end()
    expect(await secondTurn).toBe(false)
    // The first gives its seat up: it goes to the third, the second having left the queue.
    seats.give()
    expect(await thirdTurn).toBe(true)
    seats.give()
    expect(await seats.take(endableCall().call)).toBe(true)
  })

  it('passes on a seat handed to a caller that ended at the same moment', async () => {
    const seats = new Seats(1)
    expect(await seats.take(endableCall().call)).toBe(true)
    const late = endableCall()
    const turn = seats.take(late.call)
    // Seat handed over and call ended in the same turn: the race goes to the end.
    seats.give()
    late.end()
    const outcome = await turn
    // Whichever won, exactly one seat is free afterwards.
    if (outcome) seats.give()
    const next = endableCall()
    expect(await seats.take(next.call)).toBe(true)
    const blocked = endableCall()
    const waiting = seats.take(blocked.call)
    blocked.end()
    expect(await waiting).toBe(false)
  })
})
