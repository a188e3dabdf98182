import { describe, expect, it, vi } from 'vitest'
import {
  createBreakerPolicy,
  createPool,
  defaultPolicies,
  MemoryFloodStore,
  NoAccountAvailableError,
  type PoolRerouteEvent,
  type SendRequest,
} from '../../src/index.js'
import { engineOf } from '../../src/recovery/invoker.js'
import { capture, FakeClock, rpc, setup } from '../recovery/helpers.js'

type Answer = (request: SendRequest) => unknown

/** Accounts on one fake clock; each answers with its own function and logs what it was sent. */
function accounts(answers: Record<string, Answer>, extra: { floodStore?: MemoryFloodStore } = {}) {
  const clock = new FakeClock()
  const sent: Array<{ account: string; method: string; at: number }> = []
  const invokers = Object.entries(answers).map(([account, answer], i) => {
    const { invoke } = setup({
      account,
      clock,
      homeDcId: i + 1,
      ...extra,
      send: (request) => {
        sent.push({ account, method: request.method, at: clock.now() })
        return answer(request)
      },
    })
    return invoke
  })
  return { clock, sent, invokers, pool: createPool({ accounts: invokers, clock }) }
}

const ok: Answer = () => 'ok'

describe('the account pool', () => {
  it('sends unbound work to an account with no window over it', async () => {
    const { clock, sent, invokers, pool } = accounts({ alice: ok, bob: ok })
    const alice = invokers[0]
    if (alice)
      engineOf(alice).recordFlood('alice|contacts.resolveUsername', clock.now() + 30_000, clock.now())
    for (let i = 0; i < 4; i++) {
      const result = capture(pool('contacts.resolveUsername', { username: `user${i}` }))
      await clock.advance(0)
      expect(result.value).toBe('ok')
    }
    expect(sent.map((s) => s.account)).toEqual(['bob', 'bob', 'bob', 'bob'])
  })

  it('moves a call that meets a flood wait to another account at once, instead of waiting', async () => {
    const { clock, sent, pool } = accounts({
      alice: () => rpc(420, 'FLOOD_WAIT_120'),
      bob: () => rpc(420, 'FLOOD_WAIT_30'),
      carol: ok,
    })
    const moves: PoolRerouteEvent[] = []
    pool.on('reroute', (event) => moves.push(event))
    const result = capture(pool('contacts.search', { q: 'x' }))
    await clock.advance(0)
    expect(result.value).toBe('ok')
    expect(sent.map((s) => [s.account, s.at - sent[0]!.at])).toEqual([
      ['alice', 0],
      ['bob', 0],
      ['carol', 0],
    ])
    expect(moves.map((m) => [m.from, m.reason])).toEqual([
      ['alice', 'flood'],
      ['bob', 'flood'],
    ])
    // The windows stay recorded: the next call goes straight to carol.
    capture(pool('contacts.search', { q: 'x' }))
    await clock.advance(0)
    expect(sent.at(-1)?.account).toBe('carol')
    expect(sent).toHaveLength(4)
  })

  it('waits on the account that frees up first when every account is held, within the budget', async () => {
    let bobCalls = 0
    const { clock, sent, pool } = accounts({
      alice: () => rpc(420, 'FLOOD_WAIT_20'),
      bob: () => (++bobCalls === 1 ? rpc(420, 'FLOOD_WAIT_5') : 'bob ok'),
    })
    const started = clock.now()
    const result = capture(pool('contacts.search', {}))
    await clock.advance(4_999)
    expect(result.settled).toBe(false)
    await clock.advance(1)
    expect(result.value).toBe('bob ok')
    expect(sent.map((s) => [s.account, s.at - started])).toEqual([
      ['alice', 0],
      ['bob', 0],
      ['bob', 5_000],
    ])
  })

  it('never moves a call bound to an account', async () => {
    let aliceCalls = 0
    const { clock, sent, pool } = accounts({
      alice: () => (++aliceCalls === 1 ? rpc(420, 'FLOOD_WAIT_3') : 'alice ok'),
      bob: ok,
    })
    const result = capture(pool('messages.sendMessage', { peer: 1, message: 'hi' }, { account: 'alice' }))
    await clock.advance(3_000)
    expect(result.value).toBe('alice ok')
    expect(sent.map((s) => s.account)).toEqual(['alice', 'alice'])
    await expect(pool('x', {}, { account: 'zoe' })).rejects.toBeInstanceOf(RangeError)
  })

  it('skips dead accounts, reports them, and takes them back on revive', async () => {
    const { clock, sent, pool } = accounts({ alice: () => rpc(401, 'SESSION_REVOKED'), bob: ok })
    const dead: string[] = []
    pool.on('accountDead', (event) => dead.push(`${event.account}:${event.reason}`))
    const first = capture(pool('users.getFullUser', {}))
    await clock.advance(0)
    expect(first.value).toBe('ok')
    expect(dead).toEqual(['alice:SESSION_REVOKED'])
    for (let i = 0; i < 3; i++) await pool('users.getFullUser', {})
    expect(sent.filter((s) => s.account === 'alice')).toHaveLength(1)
    expect(pool.accounts().map((a) => [a.account, a.dead, a.deadReason])).toEqual([
      ['alice', true, 'SESSION_REVOKED'],
      ['bob', false, undefined],
    ])
    pool.revive('alice')
    expect(pool.accounts()[0]?.dead).toBe(false)
  })

  it('fails with a typed error when no account is alive', async () => {
    const { clock, pool } = accounts({ alice: () => rpc(401, 'SESSION_REVOKED') })
    const first = capture(pool('users.getFullUser', {}))
    await clock.advance(0)
    expect(first.error).toMatchObject({ type: 'SESSION_REVOKED' })
    await expect(pool('users.getFullUser', {})).rejects.toBeInstanceOf(NoAccountAvailableError)
  })

  it('reports home DC, calls in progress and each account’s own windows from a shared store', async () => {
    const floodStore = new MemoryFloodStore()
    const { clock, pool } = accounts({ alice: () => new Promise(() => undefined), bob: ok }, { floodStore })
    floodStore.record('alice|*', clock.now() + 10_000, clock.now())
    floodStore.record('bob|messages.sendMessage', clock.now() + 5_000, clock.now())
    capture(pool('users.getFullUser', {}, { account: 'alice' }))
    await clock.advance(0)
    expect(pool.accounts()).toEqual([
      {
        account: 'alice',
        homeDcId: 1,
        dead: false,
        deadReason: undefined,
        pendingCount: 1,
        openWindows: [{ key: 'alice|*', endsAt: clock.now() + 10_000 }],
      },
      {
        account: 'bob',
        homeDcId: 2,
        dead: false,
        deadReason: undefined,
        pendingCount: 0,
        openWindows: [{ key: 'bob|messages.sendMessage', endsAt: clock.now() + 5_000 }],
      },
    ])
  })

  it('spreads concurrent work over accounts that are equally free', async () => {
    const { clock, sent, pool } = accounts({
      alice: () => new Promise((resolve) => setTimeout(() => resolve('a'), 0)),
      bob: () => new Promise((resolve) => setTimeout(() => resolve('b'), 0)),
    })
    const calls = Array.from({ length: 6 }, () => capture(pool('messages.getHistory', {})))
    await clock.advance(0)
    // The sends answer on the real event loop: poll for the settlements instead of guessing a delay.
    await vi.waitFor(() => expect(calls.every((c) => c.settled)).toBe(true))
    expect(sent.filter((s) => s.account === 'alice')).toHaveLength(3)
  })

  it('steers work away from an account whose home DC has an open circuit', async () => {
    const clock = new FakeClock()
    const breaker = createBreakerPolicy({ failureThreshold: 1, openMs: 10_000 })
    const sent: string[] = []
    const make = (account: string, homeDcId: number) =>
      setup({
        account,
        clock,
        homeDcId,
        maxAttempts: 1,
        policies: defaultPolicies({ breaker }),
        send: (request) => {
          sent.push(account)
          if (request.dcId === 2) throw rpc(500, 'INTERNAL_SERVER_ERROR')
          return `${account} ok`
        },
      }).invoke
    const alice = make('alice', 2)
    const bob = make('bob', 4)
    const pool = createPool({ accounts: [alice, bob], clock, breaker })
    capture(pool('messages.getHistory', {}, { account: 'alice' }))
    await clock.advance(0)
    expect(breaker.stateOf(2)).toBe('open')
    for (let i = 0; i < 3; i++) {
      const result = capture(pool('messages.getHistory', {}))
      await clock.advance(0)
      expect(result.value).toBe('bob ok')
    }
    expect(sent).toEqual(['alice', 'bob', 'bob', 'bob'])
  })
})
