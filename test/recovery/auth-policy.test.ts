import { describe, expect, it, vi } from 'vitest'
import { detailsOf, InternalServerError, UnauthorizedError } from '../../src/index.js'
import { rpc, scriptedSend, sequence, setup } from './helpers.js'

describe('401 UNAUTHORIZED', () => {
  it('authorizes on a DC that is not home, then repeats', async () => {
    const authorized = new Set<number>()
    const authorizeOn = vi.fn(async (dcId: number) => {
      authorized.add(dcId)
    })
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2, authorizeOn })
    const transport = scriptedSend(clock, (request) => {
      if (request.dcId !== undefined && request.dcId !== 2 && !authorized.has(request.dcId)) {
        throw rpc(401, 'AUTH_KEY_UNREGISTERED')
      }
      return 'file'
    })
    await expect(invoke('upload.getFile', {}, { dcId: 4 })).resolves.toBe('file')
    expect(authorizeOn).toHaveBeenCalledOnce()
    expect(authorizeOn.mock.calls[0]?.[0]).toBe(4)
    expect(log.of('authorize').map((e) => e.phase)).toEqual(['start', 'done'])
    expect(log.of('sessionDead')).toEqual([])
  })

  it('authorizes once per DC at a time: concurrent calls wait for the one in flight', async () => {
    let finish = (): void => undefined
    const authorized = new Set<number>()
    const authorizeOn = vi.fn(
      (dcId: number) =>
        new Promise<void>((resolve) => {
          finish = () => {
            authorized.add(dcId)
            resolve()
          }
        }),
    )
    const { clock, invoke } = setup({ send: (r) => transport.send(r), homeDcId: 2, authorizeOn })
    const transport = scriptedSend(clock, (request) => {
      if (!authorized.has(request.dcId as number)) throw rpc(401, 'AUTH_KEY_UNREGISTERED')
      return request.attempt
    })
    const calls = Array.from({ length: 5 }, () => invoke('upload.getFile', {}, { dcId: 3 }))
    await clock.advance(0)
    expect(authorizeOn).toHaveBeenCalledOnce()
    expect(transport.sent).toHaveLength(5)
    finish()
    await expect(Promise.all(calls)).resolves.toEqual([2, 2, 2, 2, 2])
  })

  it('never takes a failed export or import for a logout', async () => {
    const { clock, invoke, log } = setup({
      send: (r) => transport.send(r),
      homeDcId: 2,
      authorizeOn: async () => {
        throw rpc(401, 'AUTH_KEY_UNREGISTERED')
      },
    })
    const transport = sequence(clock, [rpc(401, 'AUTH_KEY_UNREGISTERED')])
    const error = await invoke('upload.getFile', {}, { dcId: 4 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(detailsOf(error)).toMatchObject({ giveUpReason: 'recovery-failed' })
    expect(detailsOf(error)?.sessionDead).toBeUndefined()
    expect(log.of('sessionDead')).toEqual([])
    expect(log.of('authorize').map((e) => e.phase)).toEqual(['start', 'failed'])
  })

  it('gives AUTH_KEY_UNREGISTERED elsewhere to the caller when there is no authorizeOn hook', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2 })
    const transport = sequence(clock, [rpc(401, 'AUTH_KEY_UNREGISTERED')])
    const error = await invoke('upload.getFile', {}, { dcId: 4 }).catch((e: unknown) => e)
    expect(detailsOf(error)?.giveUpReason).toBe('recovery-failed')
    expect(log.of('sessionDead')).toEqual([])
  })

  it('treats SESSION_PASSWORD_NEEDED as a login step, never a dead session', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2 })
    const transport = sequence(clock, [rpc(401, 'SESSION_PASSWORD_NEEDED')])
    const error = await invoke('auth.signIn', {}).catch((e: unknown) => e)
    expect(detailsOf(error)).toMatchObject({ loginStep: true, giveUpReason: 'login-step' })
    expect(log.of('sessionDead')).toEqual([])
    expect(transport.sent).toHaveLength(1)
  })

  it.each([
    'SESSION_REVOKED',
    'SESSION_EXPIRED',
    'USER_DEACTIVATED',
    'USER_DEACTIVATED_BAN',
    'AUTH_KEY_INVALID',
    'AUTH_KEY_UNREGISTERED',
    'SOME_FUTURE_401',
  ])('%s on the home DC: the session is dead, and the call is not repeated', async (type) => {
    const { clock, invoke, log } = setup({
      send: (r) => transport.send(r),
      homeDcId: 2,
      authorizeOn: vi.fn(),
    })
    const transport = sequence(clock, [rpc(401, type)])
    const error = await invoke('messages.getDialogs', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(detailsOf(error)).toMatchObject({ sessionDead: true, giveUpReason: 'session-dead' })
    expect(log.of('sessionDead')).toEqual([
      expect.objectContaining({ method: 'messages.getDialogs', reason: type, dcId: 2, account: 'default' }),
    ])
    expect(transport.sent).toHaveLength(1)
  })

  it('takes SESSION_REVOKED on another DC for a dead session too (it is the account)', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2 })
    const transport = sequence(clock, [rpc(401, 'SESSION_REVOKED')])
    await expect(invoke('upload.getFile', {}, { dcId: 4 })).rejects.toBeInstanceOf(UnauthorizedError)
    expect(log.of('sessionDead')).toHaveLength(1)
  })

  it('treats 406 AUTH_KEY_DUPLICATED as a dead session, not for the user, never retried', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r) })
    const transport = sequence(clock, [rpc(406, 'AUTH_KEY_DUPLICATED')])
    const error = await invoke('updates.getState', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InternalServerError)
    expect(detailsOf(error)).toMatchObject({
      sessionDead: true,
      notForUser: true,
      giveUpReason: 'session-dead',
    })
    expect(log.of('sessionDead')[0]?.reason).toBe('AUTH_KEY_DUPLICATED')
    expect(log.of('notForUser')).toHaveLength(1)
    expect(transport.sent).toHaveLength(1)
  })

  it('binds the temporary key on AUTH_KEY_PERM_EMPTY, then repeats once', async () => {
    const bindTempKey = vi.fn()
    const { clock, invoke } = setup({ send: (r) => transport.send(r), homeDcId: 1, bindTempKey })
    const transport = sequence(clock, [rpc(401, 'AUTH_KEY_PERM_EMPTY'), rpc(401, 'AUTH_KEY_PERM_EMPTY')])
    const error = await invoke('help.getConfig', {}).catch((e: unknown) => e)
    expect(bindTempKey).toHaveBeenCalledOnce()
    expect(bindTempKey.mock.calls[0]?.[0]).toBe(1)
    expect(detailsOf(error)?.giveUpReason).toBe('recovery-failed')
    expect(detailsOf(error)?.sessionDead).toBeUndefined()
    expect(transport.sent).toHaveLength(2)
  })
})
