import { describe, expect, it } from 'vitest'
import { BadRequestError, createInvoker, detailsOf, FloodError, lookup } from '../../src/index.js'
import { FakeClock, flush, rpc, sequence } from './helpers.js'

/** The invoker with no `catalog` option uses the package's own catalogue. */
describe('the default catalogue inside the engine', () => {
  it("gives a 400 the catalogue's field, end-user message and entry", async () => {
    const clock = new FakeClock()
    const transport = sequence(clock, [rpc(400, 'FIRSTNAME_INVALID')])
    const invoke = createInvoker({ send: (r) => transport.send(r), clock, random: () => 0.5 })
    const error = await invoke('account.updateProfile', { first_name: '' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BadRequestError)
    const entry = lookup('FIRSTNAME_INVALID')
    expect(entry?.userMessage).toBeTruthy()
    expect(detailsOf(error)).toMatchObject({ field: entry?.field, userMessage: entry?.userMessage })
    expect(detailsOf(error)?.catalogEntry?.name).toBe('FIRSTNAME_INVALID')
    expect(transport.sent).toHaveLength(1)
  })

  it("keys a FLOOD_WAIT by the catalogue's scope: other parameters of the same method are held too", async () => {
    const clock = new FakeClock()
    expect(lookup('FLOOD_WAIT_%d')?.scope).toBe('method')
    const transport = sequence(clock, [rpc(420, 'FLOOD_WAIT_30')])
    const invoke = createInvoker({
      send: (r) => transport.send(r),
      clock,
      random: () => 0.5,
      maxFloodWaitMs: 0,
    })
    const first = await invoke('contacts.search', { q: 'a' }).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(FloodError)
    const second = await invoke('contacts.search', { q: 'b' }).catch((e: unknown) => e)
    expect(second).toBeInstanceOf(FloodError)
    expect(detailsOf(second)?.fromStore).toBe(true)
    expect(transport.sent).toHaveLength(1)
    await flush()
  })

  it('can be left out with catalog: false, keeping the field pattern', async () => {
    const clock = new FakeClock()
    const transport = sequence(clock, [rpc(400, 'FIRSTNAME_INVALID')])
    const invoke = createInvoker({ send: (r) => transport.send(r), clock, catalog: false })
    const error = await invoke('account.updateProfile', {}).catch((e: unknown) => e)
    expect(detailsOf(error)?.catalogEntry).toBeUndefined()
    expect(detailsOf(error)?.field).toBe('first_name')
  })
})
