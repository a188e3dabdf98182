import { describe, expect, it, vi } from 'vitest'
import { detailsOf, SeeOtherError } from '../../src/index.js'
import { type FakeClock, rpc, scriptedSend, setup } from './helpers.js'

/** Resolves after `ms` of the fake clock: an answer that takes time to arrive. */
function later(clock: FakeClock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms))
}

describe('303 SEE_OTHER', () => {
  it.each(['USER', 'PHONE', 'NETWORK'])(
    '%s_MIGRATE moves the home DC for this and later calls',
    async (kind) => {
      const onHomeDcChange = vi.fn()
      const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2, onHomeDcChange })
      const transport = scriptedSend(clock, (request) => {
        if (request.dcId !== 4) throw rpc(303, `${kind}_MIGRATE_4`)
        return `on ${request.dcId}`
      })
      await expect(invoke('auth.sendCode', {})).resolves.toBe('on 4')
      expect(invoke.homeDcId).toBe(4)
      expect(onHomeDcChange).toHaveBeenCalledOnce()
      expect(onHomeDcChange.mock.calls[0]?.[0]).toEqual({ fromDcId: 2, toDcId: 4, kind })
      await expect(invoke('users.getFullUser', {})).resolves.toBe('on 4')
      expect(transport.sent.map((s) => s.dcId)).toEqual([2, 4, 4])
      expect(log.of('homeDcChange')).toEqual([{ account: 'default', fromDcId: 2, toDcId: 4, kind }])
      expect(log.of('migrate')[0]).toMatchObject({ fromDcId: 2, toDcId: 4, kind })
    },
  )

  it.each(['FILE', 'STATS'])('%s_MIGRATE sends this call there without moving home', async (kind) => {
    const onHomeDcChange = vi.fn()
    const { clock, invoke } = setup({ send: (r) => transport.send(r), homeDcId: 2, onHomeDcChange })
    const transport = scriptedSend(clock, (request) => {
      if (request.method === 'upload.getFile' && request.dcId !== 5) throw rpc(303, `${kind}_MIGRATE_5`)
      return `on ${request.dcId}`
    })
    await expect(invoke('upload.getFile', {})).resolves.toBe('on 5')
    expect(invoke.homeDcId).toBe(2)
    expect(onHomeDcChange).not.toHaveBeenCalled()
    await expect(invoke('messages.getHistory', {})).resolves.toBe('on 2')
  })

  it('runs onHomeDcChange once when concurrent calls learn of the same move', async () => {
    let release = (): void => undefined
    const onHomeDcChange = vi.fn(() => new Promise<void>((resolve) => (release = resolve)))
    const { clock, invoke } = setup({ send: (r) => transport.send(r), homeDcId: 1, onHomeDcChange })
    const transport = scriptedSend(clock, (request) => {
      if (request.dcId !== 3) throw rpc(303, 'USER_MIGRATE_3')
      return 'ok'
    })
    const calls = [invoke('a', {}), invoke('b', {}), invoke('c', {})]
    await clock.advance(0)
    expect(onHomeDcChange).toHaveBeenCalledOnce()
    release()
    await expect(Promise.all(calls)).resolves.toEqual(['ok', 'ok', 'ok'])
  })

  it('follows a USER_MIGRATE that concurrent calls sent before the home DC was known', async () => {
    // Found over the testkit: the second answer arrives after the first call moved home to 3, and
    // taking the new home as where the call had been sent made "go to 3" look like a loop.
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r) })
    const transport = scriptedSend(clock, (request) =>
      later(clock, 1).then(() => {
        if (request.dcId !== 3) throw rpc(303, 'USER_MIGRATE_3')
        return 'ok'
      }),
    )
    const calls = [invoke('a', {}), invoke('b', {}), invoke('c', {})]
    await clock.advance(10)
    await expect(Promise.all(calls)).resolves.toEqual(['ok', 'ok', 'ok'])
    expect(transport.sent.map((s) => s.dcId)).toEqual([undefined, undefined, undefined, 3, 3, 3])
    expect(log.of('migrate').map((e) => e.fromDcId)).toEqual([undefined, undefined, undefined])
    expect(log.of('homeDcChange')).toHaveLength(1)
  })

  it('sends a repeat to the home DC learnt since the call began', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), baseDelayMs: 10 })
    const transport = scriptedSend(clock, (request, index) =>
      later(clock, index === 0 ? 50 : 1).then(() => {
        if (request.method === 'slow' && index === 0) throw rpc(500, 'INTERNAL_SERVER_ERROR')
        if (request.dcId !== 3) throw rpc(303, 'USER_MIGRATE_3')
        return 'ok'
      }),
    )
    const slow = invoke('slow', {})
    const fast = invoke('fast', {})
    await clock.advance(100)
    await expect(Promise.all([slow, fast])).resolves.toEqual(['ok', 'ok'])
    // slow: sent before the move, repeated after it: straight to DC 3, no extra redirect
    expect(transport.sent.filter((s) => s.method === 'slow').map((s) => s.dcId)).toEqual([undefined, 3])
  })

  it('bounds redirects per call (default 3) and ends with the last error', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), homeDcId: 1 })
    let next = 1
    const transport = scriptedSend(clock, () => {
      next = (next % 5) + 1
      throw rpc(303, `FILE_MIGRATE_${next}`)
    })
    const error = await invoke('upload.getFile', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SeeOtherError)
    expect(detailsOf(error)?.giveUpReason).toBe('redirect-limit')
    expect(transport.sent).toHaveLength(4)
    expect((error as SeeOtherError).errorMessage).toBe(`FILE_MIGRATE_${next}`)
  })

  it('detects a ping-pong between DCs and ends with the last error', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 1 })
    const transport = scriptedSend(clock, (request) => {
      throw rpc(303, request.dcId === 1 ? 'FILE_MIGRATE_2' : 'FILE_MIGRATE_1')
    })
    const error = await invoke('upload.getFile', {}).catch((e: unknown) => e)
    expect(detailsOf(error)?.giveUpReason).toBe('redirect-loop')
    expect(transport.sent.map((s) => s.dcId)).toEqual([1, 2])
    expect((error as SeeOtherError).dcId).toBe(1)
    expect(log.of('migrate')).toHaveLength(1)
  })

  it('does not follow a DC outside the known set', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = scriptedSend(clock, () => {
      throw rpc(303, 'USER_MIGRATE_99')
    })
    const error = await invoke('m.x', {}).catch((e: unknown) => e)
    expect(detailsOf(error)?.giveUpReason).toBe('unknown-dc')
    expect(invoke.homeDcId).toBeUndefined()
    expect(transport.sent).toHaveLength(1)
  })

  it('accepts a custom set of known DCs (test servers)', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), knownDcIds: [10001, 10002] })
    const transport = scriptedSend(clock, (request) => {
      if (request.dcId !== 10002) throw rpc(303, 'PHONE_MIGRATE_10002')
      return 'ok'
    })
    await expect(invoke('auth.sendCode', {})).resolves.toBe('ok')
    expect(invoke.homeDcId).toBe(10002)
  })

  it('ends the call with the hook failure when onHomeDcChange fails, keeping the move', async () => {
    const { clock, invoke } = setup({
      send: (r) => transport.send(r),
      homeDcId: 1,
      onHomeDcChange: () => {
        throw new Error('cannot connect')
      },
    })
    const transport = scriptedSend(clock, () => {
      throw rpc(303, 'USER_MIGRATE_2')
    })
    const error = await invoke('m.x', {}).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'HookError', hook: 'onHomeDcChange' })
    expect(invoke.homeDcId).toBe(2)
  })

  it('can be turned off per call', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r) })
    const transport = scriptedSend(clock, () => {
      throw rpc(303, 'FILE_MIGRATE_2')
    })
    const error = await invoke('m.x', {}, { handle: { migrate: false } }).catch((e: unknown) => e)
    expect(detailsOf(error)?.giveUpReason).toBe('opted-out')
    expect(transport.sent).toHaveLength(1)
  })

  it('sends to a DC chosen per call', async () => {
    const { clock, invoke } = setup({ send: (r) => transport.send(r), homeDcId: 2 })
    const transport = scriptedSend(clock, (request) => request.dcId)
    await expect(invoke('upload.getFile', {}, { dcId: 4 })).resolves.toBe(4)
  })
})
