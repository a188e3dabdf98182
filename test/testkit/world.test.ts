import { describe, expect, it } from 'vitest'
import {
  CROSS_CHANNEL_GRACE_MS,
  createRandom,
  FloodLimiter,
  World,
  type WorldOptions,
} from '../../src/testkit/world/index.js'

function worldAt(options: WorldOptions = {}) {
  let now = 1_000_000
  const world = new World({
    accounts: { alice: { homeDcId: 2, phone: '15550001' }, bob: { homeDcId: 4, phone: '15550002' } },
    files: { 'file-1': 4 },
    statsDcs: { news: 3 },
    ...options,
    now: () => now,
  })
  return {
    world,
    advance(ms: number) {
      now += ms
    },
  }
}

describe('the simulated world', () => {
  it('sends account calls to the home DC', () => {
    const { world } = worldAt({ accounts: { alice: { homeDcId: 2, authorizedOn: [1, 2] } } })
    expect(world.handle({ dcId: 1, account: 'alice', method: 'users.getFullUser', params: {} })).toEqual({
      kind: 'error',
      code: 303,
      message: 'USER_MIGRATE_2',
    })
    expect(world.handle({ dcId: 2, account: 'alice', method: 'users.getFullUser', params: {} }).kind).toBe(
      'ok',
    )
    expect(world.stats.migrations).toBe(1)
  })

  it('requires authorization per DC and moves it with export and import', () => {
    const { world } = worldAt()
    const call = { dcId: 4, account: 'alice', method: 'upload.getFile', params: { location: 'file-1' } }
    expect(world.handle({ ...call, dcId: 2 })).toMatchObject({ code: 303, message: 'FILE_MIGRATE_4' })
    expect(world.handle(call)).toMatchObject({ code: 401, message: 'AUTH_KEY_UNREGISTERED' })
    const exported = world.handle({
      dcId: 2,
      account: 'alice',
      method: 'auth.exportAuthorization',
      params: { dc_id: 4 },
    })
    expect(exported.kind).toBe('ok')
    const bytes = (exported as { value: { bytes: string } }).value.bytes
    expect(
      world.handle({ dcId: 3, account: undefined, method: 'auth.importAuthorization', params: { bytes } }),
    ).toMatchObject({ code: 400, message: 'AUTH_BYTES_INVALID' })
    expect(
      world.handle({ dcId: 4, account: undefined, method: 'auth.importAuthorization', params: { bytes } })
        .kind,
    ).toBe('ok')
    expect(world.handle(call).kind).toBe('ok')
  })

  it('sends phones and statistics to their DCs', () => {
    const { world } = worldAt({ networkMigrations: { 5: 1 } })
    expect(
      world.handle({
        dcId: 1,
        account: undefined,
        method: 'auth.sendCode',
        params: { phone_number: '+15550002' },
      }),
    ).toMatchObject({ message: 'PHONE_MIGRATE_4' })
    expect(
      world.handle({
        dcId: 5,
        account: undefined,
        method: 'auth.sendCode',
        params: { phone_number: '+15550002' },
      }),
    ).toMatchObject({ message: 'NETWORK_MIGRATE_1' })
    expect(
      world.handle({
        dcId: 2,
        account: 'alice',
        method: 'stats.getBroadcastStats',
        params: { channel: 'news' },
      }),
    ).toMatchObject({ message: 'STATS_MIGRATE_3' })
  })

  it('logs in with the test code', () => {
    const { world } = worldAt()
    const signIn = { dcId: 4, account: undefined, method: 'auth.signIn' }
    const params = { phone_number: '15550002', phone_code_hash: 'h' }
    expect(world.handle({ ...signIn, params: { ...params, phone_code: '' } })).toMatchObject({
      message: 'PHONE_CODE_EMPTY',
    })
    expect(world.handle({ ...signIn, params: { ...params, phone_code: '999' } })).toMatchObject({
      message: 'PHONE_CODE_INVALID',
    })
    expect(world.handle({ ...signIn, params: { ...params, phone_code: '12345' } })).toEqual({
      kind: 'ok',
      value: { account: 'bob' },
    })
  })

  it('checks input and names the field by its error', () => {
    const { world } = worldAt()
    const call = { dcId: 2, account: 'alice', method: 'account.updateProfile' }
    expect(world.handle({ ...call, params: { first_name: ' ' } })).toMatchObject({
      code: 400,
      message: 'FIRSTNAME_INVALID',
    })
    expect(world.handle({ ...call, params: { last_name: 'x'.repeat(65) } })).toMatchObject({
      message: 'LASTNAME_INVALID',
    })
    expect(world.handle({ ...call, params: { first_name: 'Alice' } }).kind).toBe('ok')
    expect(world.handle({ dcId: 2, account: 'alice', method: 'nope.nope', params: {} })).toMatchObject({
      code: 400,
    })
  })

  it('revokes a session', () => {
    const { world } = worldAt()
    world.revoke('alice')
    expect(
      world.handle({ dcId: 2, account: 'alice', method: 'users.getFullUser', params: {} }),
    ).toMatchObject({ code: 401, message: 'SESSION_REVOKED' })
  })

  it('announces flood waits in whole seconds and counts calls inside them as violations that extend them', () => {
    const { world, advance } = worldAt({
      floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: 2, windowMs: 3000 }],
    })
    const send = (peer = 'p1') =>
      world.handle({
        dcId: 2,
        account: 'alice',
        method: 'messages.sendMessage',
        params: { peer, message: 'hi' },
      })
    expect(send().kind).toBe('ok')
    advance(500)
    expect(send().kind).toBe('ok')
    expect(send()).toMatchObject({ kind: 'error', code: 420, message: 'FLOOD_WAIT_3' })
    expect(send('p2').kind).toBe('ok') // another peer, another key
    advance(2999)
    expect(send()).toMatchObject({ code: 420 })
    expect(world.stats.floodViolations).toBe(1)
    advance(2999) // the violation restarted the 3 s wait
    expect(send()).toMatchObject({ code: 420 })
    expect(world.stats.floodViolations).toBe(2)
    advance(3000)
    expect(send().kind).toBe('ok')
    expect(world.stats.errorsByType.FLOOD_WAIT_X).toBe(3)
  })

  it('does not blame calls sent before the refusal reached their client', () => {
    const { world, advance } = worldAt({
      floodRules: [{ method: 'messages.sendMessage', scope: 'account', maxCalls: 1, windowMs: 2000 }],
    })
    const send = (seenUpTo: bigint, channel = '2/1') =>
      world.handle({
        dcId: 2,
        account: 'alice',
        method: 'messages.sendMessage',
        params: { peer: 'p', message: 'hi' },
        receipt: { channel, seenUpTo },
      })
    expect(send(0n).kind).toBe('ok')
    const refusal = send(0n)
    expect(refusal).toMatchObject({ code: 420, message: 'FLOOD_WAIT_2' })
    const key = refusal.kind === 'error' ? (refusal.floodKey as string) : ''
    advance(600)
    // in flight: the refusal has not been delivered yet; the remaining 1.4 s round up to 2
    expect(send(0n)).toMatchObject({ code: 420, message: 'FLOOD_WAIT_2' })
    world.noticeDelivered(key, { channel: '2/1', messageId: 7n })
    // sent before the client had processed message 7, or on another connection: still in flight
    expect(send(5n)).toMatchObject({ code: 420 })
    expect(send(9n, '2/2')).toMatchObject({ code: 420 })
    expect(world.stats).toMatchObject({ floodViolations: 0, floodRefusedInFlight: 3 })
    // sent after message 7 was processed: a violation, which restarts the 2 s wait
    advance(1000)
    expect(send(7n)).toMatchObject({ code: 420, message: 'FLOOD_WAIT_2' })
    expect(world.stats.floodViolations).toBe(1)
    advance(1999)
    expect(send(7n)).toMatchObject({ code: 420 })
    advance(2000)
    expect(send(7n).kind).toBe('ok')
    expect(world.stats.floodViolations).toBe(2)
  })

  it('blames another connection of the same account once the wait has reached the account', () => {
    const { world, advance } = worldAt({
      floodRules: [{ method: 'messages.sendMessage', scope: 'account', maxCalls: 1, windowMs: 10_000 }],
    })
    const send = (channel: string) =>
      world.handle({
        dcId: 2,
        account: 'alice',
        method: 'messages.sendMessage',
        params: { peer: 'p', message: 'hi' },
        receipt: { channel, seenUpTo: 0n },
      })
    expect(send('2/1').kind).toBe('ok')
    const refusal = send('2/1')
    const key = refusal.kind === 'error' ? (refusal.floodKey as string) : ''
    world.noticeDelivered(key, { channel: '2/1', messageId: 3n })
    // another worker process, its call already on the way: excused
    advance(CROSS_CHANNEL_GRACE_MS)
    expect(send('2/9')).toMatchObject({ code: 420 })
    expect(world.stats.floodViolations).toBe(0)
    // a worker that keeps calling after the account was told, because it does not share windows
    advance(1)
    expect(send('2/9')).toMatchObject({ code: 420 })
    expect(world.stats.floodViolations).toBe(1)
  })

  it('a client that honours the announced seconds is never a violator', () => {
    const limiter = new FloodLimiter([])
    const rule = { method: 'm', scope: 'account' as const, maxCalls: 3, windowMs: 1000 }
    let now = 0
    let accepted = 0
    while (accepted < 50) {
      const decision = limiter.check(rule, 'k', now)
      if (decision.allowed) accepted++
      else now += decision.seconds * 1000
      now += 7
    }
    expect(limiter.violations).toBe(0)
  })

  it('injects seeded internal errors reproducibly', () => {
    const run = () => {
      const { world } = worldAt({ seed: 42, faults: { internalErrorRate: 0.2, timeoutRate: 0.1 } })
      return Array.from({ length: 200 }, () =>
        world.handle({ dcId: 2, account: 'alice', method: 'users.getFullUser', params: {} }),
      )
    }
    const first = run()
    expect(run()).toEqual(first)
    const internal = first.filter((o) => o.kind === 'error' && o.code === 500).length
    const timeouts = first.filter((o) => o.kind === 'error' && o.code === -503).length
    expect(internal).toBeGreaterThan(20)
    expect(internal).toBeLessThan(60)
    expect(timeouts).toBeGreaterThan(5)
    expect(timeouts).toBeLessThan(40)
  })

  it('injects faults per method in place of the general rates', () => {
    const { world } = worldAt({
      faults: { internalErrorRate: 1, byMethod: { 'help.getConfig': { timeoutRate: 1 } } },
    })
    const call = (method: string) => world.handle({ dcId: 2, account: 'alice', method, params: {} })
    expect(call('help.getConfig')).toEqual({ kind: 'error', code: -503, message: 'Timeout' })
    expect(call('users.getFullUser')).toMatchObject({ code: 500, message: 'INTERNAL_SERVER_ERROR' })
    expect(world.stats.injectedFaults).toBe(2)
  })

  it('the generator is uniform enough', () => {
    const random = createRandom(7)
    const buckets = new Array(10).fill(0)
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(random() * 10)]++
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500)
  })
})

describe('the rules the MTProto cluster needed too', () => {
  it('opens a fixed wait when a rule has waitMs, and forgives the window once it is over', () => {
    const { world, advance } = worldAt({
      accounts: { alice: { homeDcId: 2 } },
      floodRules: [
        { method: 'messages.sendMessage', scope: 'account', maxCalls: 2, windowMs: 10_000, waitMs: 2000 },
      ],
    })
    const send = () =>
      world.handle({ dcId: 2, account: 'alice', method: 'messages.sendMessage', params: { message: 'x' } })
    expect(send().kind).toBe('ok')
    expect(send().kind).toBe('ok')
    expect(send()).toMatchObject({ code: 420, message: 'FLOOD_WAIT_2' })
    advance(1000)
    expect(send()).toMatchObject({ message: 'FLOOD_WAIT_2' }) // a violation restarts the full wait
    expect(world.stats.floodViolations).toBe(1)
    advance(2000)
    expect(send().kind).toBe('ok')
  })

  it('signs bots in on their home DC, takes per-account codes, logs out and moves accounts', () => {
    const { world } = worldAt({
      accounts: {
        bot: { homeDcId: 3, botToken: '7:abc', authorizedOn: [] },
        carol: { homeDcId: 1, phone: '99966100001', loginCode: '11111', authorizedOn: [] },
      },
    })
    const bot = (dcId: number, token: string) =>
      world.handle({
        dcId,
        account: undefined,
        method: 'auth.importBotAuthorization',
        params: { bot_auth_token: token },
      })
    expect(bot(1, '7:abc')).toMatchObject({ code: 303, message: 'USER_MIGRATE_3' })
    expect(bot(3, '7:nope')).toMatchObject({ code: 401, message: 'ACCESS_TOKEN_INVALID' })
    expect(bot(3, '7:abc')).toEqual({ kind: 'ok', value: { account: 'bot' } })
    const signIn = (code: string) =>
      world.handle({
        dcId: 1,
        account: undefined,
        method: 'auth.signIn',
        params: { phone_number: '99966100001', phone_code_hash: 'h', phone_code: code },
      })
    expect(signIn('12345')).toMatchObject({ message: 'PHONE_CODE_INVALID' })
    expect(signIn('11111').kind).toBe('ok')
    expect(
      world.handle({ dcId: 1, account: 'carol', method: 'auth.exportAuthorization', params: { dc_id: 1 } }),
    ).toMatchObject({ message: 'DC_ID_INVALID' })
    world.moveAccount('carol', 2)
    expect(world.handle({ dcId: 1, account: 'carol', method: 'updates.getState', params: {} })).toMatchObject(
      {
        message: 'USER_MIGRATE_2',
      },
    )
    expect(world.handle({ dcId: 1, account: 'carol', method: 'auth.logOut', params: {} }).kind).toBe('ok')
    expect(world.isAuthorized('carol', 1)).toBe(false)
  })

  it('lists each violation with who sent it, where and when, as it counts it', () => {
    const { world, advance } = worldAt({
      floodRules: [{ method: 'messages.sendMessage', scope: 'account', maxCalls: 1, windowMs: 2000 }],
    })
    const send = (account: string, dcId: number) =>
      world.handle({ dcId, account, method: 'messages.sendMessage', params: { message: 'hi' } })
    expect(send('alice', 2).kind).toBe('ok')
    expect(send('alice', 2)).toMatchObject({ code: 420 })
    expect(world.violations).toEqual([])
    advance(700)
    expect(send('alice', 2)).toMatchObject({ code: 420 })
    expect(send('bob', 4).kind).toBe('ok') // another account, another key: no violation
    expect(world.violations).toEqual([
      { account: 'alice', method: 'messages.sendMessage', dcId: 2, receivedAt: 1_000_700 },
    ])
    expect(world.violations).toHaveLength(world.stats.floodViolations)
  })

  it('stores files added while it runs, and sends their downloads to their DC', () => {
    const { world } = worldAt()
    const getFile = (location: string, dcId: number) =>
      world.handle({ dcId, account: 'alice', method: 'upload.getFile', params: { location } })
    expect(getFile('video', 2)).toMatchObject({ code: 400, message: 'LOCATION_INVALID' })
    world.addFile('video', 4)
    world.addAccount('alice', { homeDcId: 2, authorizedOn: [2, 4] })
    expect(getFile('video', 2)).toMatchObject({ code: 303, message: 'FILE_MIGRATE_4' })
    expect(getFile('video', 4).kind).toBe('ok')
  })
})
