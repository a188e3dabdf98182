import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createInvoker, RpcError, type StoreErrorEvent } from '../../src/index.js'
import {
  createRedisFloodStore,
  type FloodStoreSyncEvent,
  FloodStoreUnavailableError,
  type RedisFloodStore,
} from '../../src/redis/index.js'
import { type RedisServer, startRedisServer } from '../../src/testkit/redis-server.js'
import { clientFor, eventually, inspector } from './helpers.js'

let server: RedisServer
let operator: Redis
const opened: RedisFloodStore[] = []
let prefix = ''
let count = 0

function openStore(): RedisFloodStore {
  const store = createRedisFloodStore({ redis: clientFor(server.port), prefix, commandTimeoutMs: 200 })
  opened.push(store)
  return store
}

function nextEvent<T>(store: RedisFloodStore, name: 'sync' | 'down'): Promise<T> {
  return new Promise((resolve) => {
    const off = store.on(name, (event) => {
      off()
      resolve(event as T)
    })
  })
}

/** Every test here stops, freezes or restarts the server; they run one after another on their own server. */
describe('the Redis flood store when Redis is down, slow or restarted', () => {
  beforeAll(async () => {
    server = await startRedisServer()
    operator = inspector(server.port)
  })

  beforeEach(async () => {
    prefix = `outage${++count}:`
    await server.start()
  })

  afterEach(async () => {
    server.resume()
    await Promise.all(opened.splice(0).map((store) => store.close()))
  })

  afterAll(async () => {
    operator?.disconnect()
    await server?.dispose()
  })

  it('falls back to its mirror when Redis stops mid-run, loses no call, and resyncs when it is back', async () => {
    const [a, b] = [openStore(), openStore()]
    expect(await a.whenSynced()).toBe(true)
    expect(await b.whenSynced()).toBe(true)
    let sends = 0
    const invoke = createInvoker({
      account: 'alice',
      floodStore: a,
      send: () => (++sends === 1 ? RpcError.from(420, 'FLOOD_WAIT_1') : 'done'),
    })
    const storeErrors: StoreErrorEvent[] = []
    invoke.on('storeError', (event) => storeErrors.push(event))

    const down = nextEvent(a, 'down')
    await server.stop()
    await down
    expect(a.state).toBe('degraded')

    // The call meets a flood wait while Redis is down: the window is kept locally, the failed write
    // is an event, and the call waits it out and succeeds.
    const started = Date.now()
    await expect(invoke('contacts.resolveUsername', { username: 'durov' })).resolves.toBe('done')
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(Date.now() - started).toBeLessThan(3_000)
    // Two writes failed, each said once: the window (typed), and the report of the refusal to the
    // fleet's shared pace (what ioredis said).
    expect(storeErrors).toHaveLength(2)
    const [windowError, shareError] = [...storeErrors].sort(
      (x, y) =>
        Number(y.error instanceof FloodStoreUnavailableError) -
        Number(x.error instanceof FloodStoreUnavailableError),
    )
    expect(windowError?.error).toBeInstanceOf(FloodStoreUnavailableError)
    expect(shareError?.error).toBeInstanceOf(Error)
    expect(shareError?.error).not.toBeInstanceOf(FloodStoreUnavailableError)
    expect(storeErrors.map((event) => event.key)).toEqual([
      'alice|contacts.resolveUsername',
      'alice|contacts.resolveUsername',
    ])

    // A longer window recorded while down; a rejection comes at once, not after a timeout.
    const now = Date.now()
    const write = a.record('alice|*', now + 30_000, now)
    const failedAt = await write?.then(
      () => Number.NaN,
      () => Date.now(),
    )
    expect((failedAt as number) - now).toBeLessThan(100)
    expect(a.get('alice|*', Date.now())).toBe(now + 30_000)

    // Back: both resync; a's window is written back and reaches b.
    const [syncedA, syncedB] = [nextEvent<FloodStoreSyncEvent>(a, 'sync'), nextEvent(b, 'sync')]
    await server.start()
    expect((await syncedA).pushed).toBeGreaterThanOrEqual(1)
    await syncedB
    expect(await operator.pttl(`${prefix}alice|*`)).toBeGreaterThan(25_000)
    await eventually(() => (b.get('alice|*', Date.now()) ?? 0) >= now + 30_000 - 5)
    expect(a.state).toBe('synced')
  })

  it('writes the fleet’s windows back after a restart emptied Redis', async () => {
    const [a, b] = [openStore(), openStore()]
    await Promise.all([a.whenSynced(), b.whenSynced()])
    const now = Date.now()
    await a.record('alice|messages.sendMessage', now + 20_000, now)
    await eventually(() => b.size === 1)
    const synced = nextEvent<FloodStoreSyncEvent>(b, 'sync')
    await server.stop()
    await server.start()
    await synced
    // Nothing was persisted, yet the window is back, and a process that starts now learns it.
    expect(await operator.pttl(`${prefix}alice|messages.sendMessage`)).toBeGreaterThan(15_000)
    const late = openStore()
    expect(await late.whenSynced()).toBe(true)
    expect(late.get('alice|messages.sendMessage', Date.now())).toBeGreaterThanOrEqual(now + 20_000 - 5)
  })

  it('never lets a slow (frozen) Redis hold a call up, and writes back what timed out', async () => {
    const [a, b] = [openStore(), openStore()]
    await Promise.all([a.whenSynced(), b.whenSynced()])
    server.pause()
    const now = Date.now()
    const failure = await a.record('alice|*', now + 20_000, now)?.catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(FloodStoreUnavailableError)
    expect(Date.now() - now).toBeLessThan(1000) // commandTimeoutMs is 200
    expect(a.get('alice|*', Date.now())).toBe(now + 20_000)
    // Calls go on at mirror speed meanwhile.
    const invoke = createInvoker({ account: 'bob', floodStore: a, send: () => 'ok' })
    const callsStarted = Date.now()
    for (let i = 0; i < 100; i++) await invoke('messages.getHistory', { peer: i })
    expect(Date.now() - callsStarted).toBeLessThan(1_000)
    server.resume()
    // The next write that goes through takes the one that timed out with it (or a resync does).
    await eventually(async () => {
      const again = Date.now()
      await a.record('bob|*', again + 5_000, again)?.catch(() => undefined)
      return (await operator.pttl(`${prefix}alice|*`)) > 15_000
    })
    await eventually(() => (b.get('alice|*', Date.now()) ?? 0) >= now + 20_000 - 5)
  })

  it('starts without Redis, serving from its mirror, and syncs once Redis is there', async () => {
    await server.stop()
    const store = openStore()
    expect(await store.whenSynced(300)).toBe(false)
    expect(store.state).not.toBe('synced')
    const now = Date.now()
    await expect(store.record('alice|*', now + 10_000, now)).rejects.toBeInstanceOf(
      FloodStoreUnavailableError,
    )
    expect(store.get('alice|*', Date.now())).toBe(now + 10_000)
    await server.start()
    expect(await store.whenSynced()).toBe(true)
    expect(await operator.pttl(`${prefix}alice|*`)).toBeGreaterThan(5_000)
  })
})
