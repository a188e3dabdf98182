import Long from 'long'
import { describe, expect, it } from 'vitest'
import type { CallOutcome, MtprotoCall } from '../../../src/testkit/mtproto/call-handler.js'
import { DefaultHandler } from '../../../src/testkit/mtproto/default-handler.js'
import {
  testAccountOf,
  testBotToken,
  testLoginCode,
  testPhone,
} from '../../../src/testkit/mtproto/test-accounts.js'
import { type FloodRule, World } from '../../../src/testkit/world/index.js'

const dcs = [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 40000 + id }))

/** Three messages per 10 s per account, then a fixed 2 s wait: a limit a test reaches in four calls. */
const RULE: FloodRule = {
  method: 'messages.sendMessage',
  scope: 'account',
  maxCalls: 3,
  windowMs: 10_000,
  waitMs: 2000,
}

function setup() {
  let now = 1_700_000_000_000
  const world = new World({ dcIds: [1, 2, 3], seed: 7, now: () => now, floodRules: [RULE] })
  const handler = new DefaultHandler({ world, dcs, seed: 7, fileSizeBytes: 5000 })
  const call = (
    dcId: number,
    account: string | undefined,
    method: string,
    params: Record<string, unknown> = {},
  ) =>
    handler.handle({
      dcId,
      authKeyId: 1n,
      sessionId: 1n,
      account,
      layer: 227,
      method,
      params,
    } satisfies MtprotoCall)
  const advance = (ms: number) => {
    now += ms
  }
  return { world, handler, call, advance }
}

function errorOf(outcome: CallOutcome): string | undefined {
  return 'error' in outcome ? outcome.error.message : undefined
}

function login(call: ReturnType<typeof setup>['call'], phone: string, dcId: number): string {
  const sent = call(dcId, undefined, 'auth.sendCode', { phoneNumber: phone })
  const hash = (sent as { result: { phoneCodeHash: string } }).result.phoneCodeHash
  const signedIn = call(dcId, undefined, 'auth.signIn', {
    phoneNumber: phone,
    phoneCodeHash: hash,
    phoneCode: testLoginCode(phone),
  })
  return (signedIn as { authorize: string }).authorize
}

describe('DefaultHandler', () => {
  it('answers 401 AUTH_KEY_UNREGISTERED to a key that is not logged in, except for the sign-in calls', () => {
    const { call } = setup()
    expect(errorOf(call(2, undefined, 'users.getUsers', { id: [{ _: 'inputUserSelf' }] }))).toBe(
      'AUTH_KEY_UNREGISTERED',
    )
    expect(call(2, undefined, 'help.getConfig')).toMatchObject({ result: { _: 'config', thisDc: 2 } })
  })

  it('sends PHONE_MIGRATE for a phone homed elsewhere and checks the code', () => {
    const { call } = setup()
    const phone = testPhone(3)
    expect(errorOf(call(1, undefined, 'auth.sendCode', { phoneNumber: phone }))).toBe('PHONE_MIGRATE_3')
    const sent = call(3, undefined, 'auth.sendCode', { phoneNumber: phone }) as {
      result: { phoneCodeHash: string }
    }
    const attempt = (code: string) =>
      call(3, undefined, 'auth.signIn', {
        phoneNumber: phone,
        phoneCodeHash: sent.result.phoneCodeHash,
        phoneCode: code,
      })
    expect(errorOf(attempt('12345'))).toBe('PHONE_CODE_INVALID')
    expect(attempt('33333')).toMatchObject({ authorize: '1030001', result: { _: 'auth.authorization' } })
    expect(errorOf(attempt('33333'))).toBe('PHONE_CODE_EXPIRED')
    // The shared rules' answer for a well-formed number nobody owns.
    expect(errorOf(call(3, undefined, 'auth.sendCode', { phoneNumber: '+15550001111' }))).toBe(
      'PHONE_NUMBER_UNOCCUPIED',
    )
  })

  it('sends USER_MIGRATE for bots and accounts used away from home, but serves files there', () => {
    const { call, handler } = setup()
    expect(
      errorOf(call(1, undefined, 'auth.importBotAuthorization', { botAuthToken: testBotToken(2) })),
    ).toBe('USER_MIGRATE_2')
    expect(errorOf(call(1, undefined, 'auth.importBotAuthorization', { botAuthToken: '1:nope' }))).toBe(
      'ACCESS_TOKEN_INVALID',
    )
    const account = login(call, testPhone(2), 2)
    expect(errorOf(call(1, account, 'messages.getHistory', { peer: { _: 'inputPeerSelf' }, limit: 1 }))).toBe(
      'USER_MIGRATE_2',
    )
    const getFile = (dcId: number) =>
      call(dcId, account, 'upload.getFile', { location: handler.fileLocation(1), offset: 4096, limit: 4096 })
    expect(errorOf(getFile(2))).toBe('FILE_MIGRATE_1')
    const part = getFile(1) as { result: { bytes: Uint8Array } }
    expect(part.result.bytes).toEqual(handler.files.get(1)!.bytes.subarray(4096, 5000))
  })

  it('sends USER_MIGRATE to the new home DC after an account moves', () => {
    const { call, world } = setup()
    const account = login(call, testPhone(2), 2)
    expect(testAccountOf(testPhone(2))).toBe(account)
    world.moveAccount(account, 3)
    expect(errorOf(call(2, account, 'updates.getState'))).toBe('USER_MIGRATE_3')
    expect(call(3, account, 'updates.getState')).toHaveProperty('result')
  })

  it('exports an authorization that imports once, on the DC it was exported for', () => {
    const { call } = setup()
    const account = login(call, testPhone(2), 2)
    expect(errorOf(call(2, account, 'auth.exportAuthorization', { dcId: 2 }))).toBe('DC_ID_INVALID')
    const exported = call(2, account, 'auth.exportAuthorization', { dcId: 3 }) as {
      result: { id: Long; bytes: Uint8Array }
    }
    const importOn = (dcId: number) => call(dcId, undefined, 'auth.importAuthorization', exported.result)
    expect(errorOf(importOn(1))).toBe('AUTH_BYTES_INVALID')
    expect(importOn(3)).toMatchObject({ authorize: account })
    expect(errorOf(importOn(3))).toBe('AUTH_BYTES_INVALID')
  })

  it('opens a flood window past the limit, and a call inside it extends it and counts as a violation', () => {
    const { call, world, advance } = setup()
    const account = login(call, testPhone(2), 2)
    const send = () =>
      call(2, account, 'messages.sendMessage', {
        peer: { _: 'inputPeerSelf' },
        message: 'x',
        randomId: Long.ONE,
      })
    for (let i = 0; i < 3; i++) expect(send()).toHaveProperty('result')
    expect(errorOf(send())).toBe('FLOOD_WAIT_2')
    expect(world.violations).toEqual([])
    advance(1500)
    expect(errorOf(send())).toBe('FLOOD_WAIT_2') // extended to a full wait from now
    expect(world.violations).toMatchObject([{ account, method: 'messages.sendMessage', dcId: 2 }])
    advance(1999)
    expect(errorOf(send())).toBe('FLOOD_WAIT_2') // still inside: another violation
    advance(2000)
    expect(send()).toHaveProperty('result')
    expect(world.violations).toHaveLength(2)
  })

  it('keeps a history per account and resolves usernames', () => {
    const { call } = setup()
    const a = login(call, testPhone(2, 1), 2)
    const b = login(call, testPhone(2, 2), 2)
    const resolved = call(2, a, 'contacts.resolveUsername', { username: 'test9996620002' }) as {
      result: { users: { id: number; accessHash: Long }[] }
    }
    const peer = { _: 'inputPeerUser', userId: Number(b), accessHash: resolved.result.users[0]!.accessHash }
    call(2, a, 'messages.sendMessage', { peer, message: 'hi b', randomId: Long.ONE })
    const history = call(2, b, 'messages.getHistory', {
      peer: { _: 'inputPeerUser', userId: Number(a) },
      limit: 10,
    })
    expect(history).toMatchObject({ result: { messages: [{ message: 'hi b', out: false }] } })
    expect(errorOf(call(2, a, 'contacts.resolveUsername', { username: 'nobody' }))).toBe(
      'USERNAME_NOT_OCCUPIED',
    )
    expect(errorOf(call(2, a, 'channels.getChannels', {}))).toBe('TESTKIT_METHOD_UNSUPPORTED')
  })

  it('makes the same files from the same seed', () => {
    const handlerOf = () => new DefaultHandler({ world: new World(), dcs, seed: 3, fileSizeBytes: 64 })
    const one = handlerOf()
    const two = handlerOf()
    expect(one.files.get(2)!.bytes).toEqual(two.files.get(2)!.bytes)
    expect(one.fileLocation(2)).toEqual(two.fileLocation(2))
  })
})
