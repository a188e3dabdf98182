import { describe, expect, it, vi } from 'vitest'
import { detailsOf, InternalServerError, UnauthorizedError } from '../../src/index.js'
import { provesLogin } from '../../src/recovery/auth-policy.js'
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
  ])(
    '%s on the home DC of a logged-in session: the session is dead, and the call is not repeated',
    async (type) => {
      const { clock, invoke, log } = setup({
        send: (r) => transport.send(r),
        homeDcId: 2,
        authorized: true,
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
    },
  )

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

  it('before any login, AUTH_KEY_UNREGISTERED on home is "not authorized": the 401, no sessionDead', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2 })
    // A fresh GramJS asks updates.getState before signing in; help.getConfig works logged out.
    const transport = sequence(clock, ['config', rpc(401, 'AUTH_KEY_UNREGISTERED')])
    await invoke('help.getConfig', {})
    const error = await invoke('updates.getState', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(detailsOf(error)).toMatchObject({ giveUpReason: 'not-authorized', lastDcId: 2 })
    expect(detailsOf(error)?.sessionDead).toBeUndefined()
    expect(log.of('sessionDead')).toEqual([])
    expect(log.of('giveUp')).toEqual([
      expect.objectContaining({ method: 'updates.getState', reason: 'not-authorized', dcId: 2 }),
    ])
    expect(transport.sent).toHaveLength(2)
  })

  it('after a sign-in succeeded, the same 401 is a dead session, with its DC', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2 })
    const unregistered = rpc(401, 'AUTH_KEY_UNREGISTERED')
    const transport = sequence(clock, [unregistered, 'authorization', 'state', unregistered])
    const early = await invoke('users.getUsers', {}).catch((e: unknown) => e)
    expect(detailsOf(early)?.giveUpReason).toBe('not-authorized')
    await invoke('auth.signIn', {})
    expect(invoke.authorized).toBe(true)
    await invoke('updates.getState', {})
    const error = await invoke('updates.getState', {}).catch((e: unknown) => e)
    expect(detailsOf(error)).toMatchObject({ sessionDead: true, giveUpReason: 'session-dead', lastDcId: 2 })
    expect(log.of('sessionDead')).toEqual([
      expect.objectContaining({ method: 'updates.getState', dcId: 2, reason: 'AUTH_KEY_UNREGISTERED' }),
    ])
    expect(log.of('giveUp').map((g) => [g.reason, g.dcId])).toEqual([
      ['not-authorized', 2],
      ['session-dead', 2],
    ])
  })

  it('takes the success of any call that needs a login as proof, and auth.logOut as its end', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2 })
    const unregistered = rpc(401, 'AUTH_KEY_UNREGISTERED')
    const transport = sequence(clock, ['dialogs', 'logged out', unregistered])
    await invoke('messages.getDialogs', {})
    expect(invoke.authorized).toBe(true)
    await invoke('auth.logOut', {})
    expect(invoke.authorized).toBe(false)
    const error = await invoke('messages.getDialogs', {}).catch((e: unknown) => e)
    expect(detailsOf(error)?.giveUpReason).toBe('not-authorized')
    expect(log.of('sessionDead')).toEqual([])
  })

  it('takes a revoked session for dead even before a login was seen (only a session can be revoked)', async () => {
    const { clock, invoke, log } = setup({ send: (r) => transport.send(r), homeDcId: 2 })
    const transport = sequence(clock, [rpc(401, 'SESSION_REVOKED')])
    const error = await invoke('updates.getState', {}).catch((e: unknown) => e)
    expect(detailsOf(error)?.giveUpReason).toBe('session-dead')
    expect(log.of('sessionDead')).toHaveLength(1)
  })
})

describe('provesLogin', () => {
  it.each([
    ['auth.signIn', true],
    ['auth.checkPassword', true],
    ['auth.importBotAuthorization', true],
    ['messages.sendMessage', true],
    ['users.getUsers', true],
    ['auth.sendCode', false],
    ['auth.exportLoginToken', false],
    ['help.getConfig', false],
    ['langpack.getLangPack', false],
    ['account.getPassword', false],
    ['initConnection', false],
    ['.x', false],
  ])('%s -> %s', (method, expected) => {
    expect(provesLogin(method)).toBe(expected)
  })
})
