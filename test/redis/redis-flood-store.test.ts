import { describe, expect, it } from 'vitest'
import { createInvoker, detailsOf, FloodError, RpcError } from '../../src/index.js'
import {
  createRedisFloodStore,
  type RedisFloodStore,
  type RedisFloodStoreOptions,
} from '../../src/redis/index.js'
import { clientFor, commandStats, commandsBetween, eventually, useRedisServer } from './helpers.js'

const suite = useRedisServer()
let prefixCount = 0

/** A fresh prefix per test, so the tests share one server without seeing each other's windows. */
function freshPrefix(): string {
  return `test${++prefixCount}:flood:`
}

async function openStore(
  options: Partial<RedisFloodStoreOptions> & { prefix: string },
): Promise<RedisFloodStore> {
  const store = createRedisFloodStore({ redis: clientFor(suite.server.port), ...options })
  suite.opened.push(store)
  expect(await store.whenSynced()).toBe(true)
  return store
}

describe('the Redis flood store, against a real redis-server', () => {
  it('shares a window recorded by one process with every other before their next call', async () => {
    const prefix = freshPrefix()
    const [a, b] = [await openStore({ prefix }), await openStore({ prefix })]
    const now = Date.now()
    await a.record('alice|messages.sendMessage', now + 5000, now)
    await eventually(() => b.get('alice|messages.sendMessage', Date.now()) !== undefined)
    const until = b.get('alice|messages.sendMessage', Date.now()) as number
    // Placed on b's clock at receipt: never earlier than the window a recorded, at most a little later.
    expect(until).toBeGreaterThanOrEqual(now + 5000 - 2)
    expect(until).toBeLessThan(now + 5000 + 200)
    expect(b.size).toBe(1)
    // The key carries the prefix, then the account.
    expect(await suite.operator.keys(`${prefix}*`)).toEqual([`${prefix}alice|messages.sendMessage`])
  })

  it('keeps the engine of another process from sending into the window', async () => {
    const prefix = freshPrefix()
    const [storeA, storeB] = [await openStore({ prefix }), await openStore({ prefix })]
    const sentByB: string[] = []
    const invokeA = createInvoker({
      account: 'alice',
      maxFloodWaitMs: 1000,
      floodStore: storeA,
      send: () => RpcError.from(420, 'FLOOD_WAIT_30'),
    })
    const invokeB = createInvoker({
      account: 'alice',
      maxFloodWaitMs: 1000,
      floodStore: storeB,
      send: ({ method }) => {
        sentByB.push(method)
        return 'ok'
      },
    })
    const first = await invokeA('contacts.resolveUsername', { username: 'durov' }).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(FloodError)
    await eventually(() => storeB.size === 1)
    const second = await invokeB('contacts.resolveUsername', { username: 'durov' }).catch((e: unknown) => e)
    expect(second).toBeInstanceOf(FloodError)
    expect(detailsOf(second)?.fromStore).toBe(true)
    expect(sentByB).toEqual([])
    // Another account shares the server and the store, not the window.
    const invokeBob = createInvoker({ account: 'bob', floodStore: storeB, send: () => 'ok' })
    await expect(invokeBob('contacts.resolveUsername', { username: 'durov' })).resolves.toBe('ok')
  })

  it('lets windows expire in Redis by themselves', async () => {
    const prefix = freshPrefix()
    const store = await openStore({ prefix })
    const now = Date.now()
    await store.record('alice|*', now + 300, now)
    const ttl = await suite.operator.pttl(`${prefix}alice|*`)
    expect(ttl).toBeGreaterThan(200)
    expect(ttl).toBeLessThanOrEqual(300)
    await eventually(async () => (await suite.operator.exists(`${prefix}alice|*`)) === 0)
    expect(store.get('alice|*', Date.now())).toBeUndefined()
  })

  it('never shortens a window, whichever process writes last, under concurrent writes', async () => {
    const prefix = freshPrefix()
    const stores = await Promise.all([1, 2, 3, 4].map(() => openStore({ prefix })))
    const key = 'alice|contacts.resolveUsername'
    const now = Date.now()
    const lengths = Array.from({ length: 200 }, (_, i) => 1000 + ((i * 7919) % 9000))
    const longest = Math.max(...lengths)
    await Promise.all(lengths.map((ms, i) => stores[i % 4]?.record(key, now + ms, now)))
    const ttl = await suite.operator.pttl(`${prefix}${key}`)
    expect(ttl).toBeGreaterThan(longest - 500)
    expect(ttl).toBeLessThanOrEqual(longest)
    // A shorter window recorded later changes nothing, in Redis or anywhere else.
    await stores[0]?.record(key, Date.now() + 1000, Date.now())
    expect(await suite.operator.pttl(`${prefix}${key}`)).toBeGreaterThan(longest - 1000)
    await eventually(() => stores.every((store) => (store.get(key, Date.now()) ?? 0) >= now + longest - 2))
  })

  it('does not depend on the processes’ clocks agreeing', async () => {
    const prefix = freshPrefix()
    const hourMs = 3_600_000
    // b's clock is an hour ahead, c's an hour behind; only time left crosses the wire.
    const a = await openStore({ prefix })
    const b = await openStore({ prefix, now: () => Date.now() + hourMs })
    const c = await openStore({ prefix, now: () => Date.now() - hourMs })
    const now = Date.now()
    await a.record('alice|*', now + 10_000, now)
    await eventually(() => b.size === 1 && c.size === 1)
    const inB = (b.get('alice|*', Date.now() + hourMs) as number) - (Date.now() + hourMs)
    const inC = (c.get('alice|*', Date.now() - hourMs) as number) - (Date.now() - hourMs)
    for (const left of [inB, inC]) {
      expect(left).toBeGreaterThan(9_500)
      expect(left).toBeLessThanOrEqual(10_050)
    }
    // And c, an hour behind, writes a window Redis holds for as long as c meant.
    await c.record('bob|*', Date.now() - hourMs + 7_000, Date.now() - hourMs)
    const ttl = await suite.operator.pttl(`${prefix}bob|*`)
    expect(ttl).toBeGreaterThan(6_500)
    expect(ttl).toBeLessThanOrEqual(7_000)
  })

  it('loads the open windows when it starts', async () => {
    const prefix = freshPrefix()
    await suite.operator.set(`${prefix}alice|*`, '60000', 'PX', 60_000)
    await suite.operator.set(`${prefix}bob|messages.sendMessage`, '30000', 'PX', 30_000)
    // Another application's window, under a prefix that glob would match if it were not escaped.
    await suite.operator.set(`${prefix.replace(':flood:', '*')}x|*`, '1', 'PX', 60_000)
    const store = createRedisFloodStore({ redis: clientFor(suite.server.port), prefix })
    suite.opened.push(store)
    const synced = new Promise((resolve) => store.on('sync', resolve))
    expect(await store.whenSynced()).toBe(true)
    expect(await synced).toMatchObject({ loaded: 2 })
    expect(store.get('alice|*', Date.now())).toBeGreaterThan(Date.now() + 59_000)
    expect(store.get('bob|messages.sendMessage', Date.now())).toBeGreaterThan(Date.now() + 29_000)
  })

  it('keeps applications with different prefixes apart on one server', async () => {
    const prefixTwo = `${freshPrefix()}app2:`
    const one = await openStore({ prefix: `${freshPrefix()}app1:` })
    const two = await openStore({ prefix: prefixTwo })
    const twoElsewhere = await openStore({ prefix: prefixTwo })
    const now = Date.now()
    await one.record('alice|*', now + 5000, now)
    // A positive sentinel for the absence below: one server delivers what is published in the order
    // it ran the commands, so once `two` has this later window, a message about alice meant for it
    // would already have arrived.
    await twoElsewhere.record('sentinel|*', now + 5000, now)
    await eventually(() => two.get('sentinel|*', Date.now()) !== undefined)
    expect(two.size).toBe(1)
    expect(two.get('alice|*', Date.now())).toBeUndefined()
  })

  it('propagates delete and clear', async () => {
    const prefix = freshPrefix()
    const [a, b] = [await openStore({ prefix }), await openStore({ prefix })]
    const now = Date.now()
    await a.record('alice|*', now + 5000, now)
    await a.record('bob|*', now + 5000, now)
    await eventually(() => b.size === 2)
    await b.delete('alice|*')
    await eventually(() => a.get('alice|*', Date.now()) === undefined)
    expect(await suite.operator.exists(`${prefix}alice|*`)).toBe(0)
    await b.clear()
    await eventually(() => a.get('bob|*', Date.now()) === undefined)
    expect(await suite.operator.keys(`${prefix}*`)).toEqual([])
  })

  it('costs no Redis command per call on the happy path, with or without open windows', async () => {
    const prefix = freshPrefix()
    const store = await openStore({ prefix })
    const invoke = createInvoker({ account: 'alice', floodStore: store, send: () => 'ok' })
    const before = await commandStats(suite.operator)
    for (let i = 0; i < 1000; i++) await invoke('messages.getHistory', { peer: i })
    // A window on another key: every call now looks its keys up, in the mirror only.
    const now = Date.now()
    await store.record('alice|messages.sendMessage', now + 60_000, now)
    const afterRecord = await commandStats(suite.operator)
    for (let i = 0; i < 1000; i++) await invoke('messages.getHistory', { peer: i })
    const after = await commandStats(suite.operator)
    // The one record: one run of the extend script, and the commands it ran inside (TIME: the
    // check that the write is not running late).
    const delta = (name: string) => (afterRecord.get(name) ?? 0) - (before.get(name) ?? 0)
    expect(delta('evalsha') + delta('eval')).toBe(1)
    expect(commandsBetween(before, afterRecord)).toBe(
      1 + delta('time') + delta('pttl') + delta('set') + delta('publish'),
    )
    expect(commandsBetween(afterRecord, after)).toBe(0)
  })

  it('measures how long a window takes from one process’s record to another’s honour', async () => {
    const prefix = freshPrefix()
    const [a, b] = [await openStore({ prefix }), await openStore({ prefix })]
    const samples: number[] = []
    for (let i = 0; i < 50; i++) {
      const key = `alice|m${i}`
      const arrived = new Promise<number>((resolve) =>
        b.on('remoteWindow', (event) => event.key === key && resolve(performance.now())),
      )
      const sent = performance.now()
      const now = Date.now()
      void a.record(key, now + 10_000, now)
      samples.push((await arrived) - sent)
    }
    samples.sort((x, y) => x - y)
    // Loopback: well under a few ms (docs/scale.md has the bench's figures); generous for CI.
    expect(samples[25]).toBeLessThan(20)
  })
})
