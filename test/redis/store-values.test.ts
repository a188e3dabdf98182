import { createHook } from 'node:async_hooks'
import fc from 'fast-check'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { createInvoker, FloodError } from '../../src/index.js'
import {
  createRedisFloodStore,
  type FloodStoreInvalidValueEvent,
  type FloodStoreRemoteWindowEvent,
  FloodStoreUnavailableError,
  type RedisFloodStore,
  type RedisFloodStoreOptions,
} from '../../src/redis/index.js'
import { freePort } from '../../src/testkit/redis-server.js'
import { anyValue, checkedOrWorks } from '../option-values.js'
import { clientFor, commandStats, eventually, type RedisSuite, useRedisServer } from './helpers.js'

let prefixCount = 0

const HOUR_MS = 3_600_000

function freshPrefix(): string {
  return `values${++prefixCount}:`
}

async function openStore(
  suite: RedisSuite,
  options: Partial<RedisFloodStoreOptions> & { prefix: string },
): Promise<RedisFloodStore> {
  const store = createRedisFloodStore({
    redis: clientFor(suite.server.port),
    maxWindowMs: HOUR_MS,
    ...options,
  })
  suite.opened.push(store)
  expect(await store.whenSynced()).toBe(true)
  return store
}

/** The events a store emits, kept in order. */
function recorder(store: RedisFloodStore) {
  const windows: FloodStoreRemoteWindowEvent[] = []
  const rejected: FloodStoreInvalidValueEvent[] = []
  store.on('remoteWindow', (event) => windows.push(event))
  store.on('invalidValue', (event) => rejected.push(event))
  return { windows, rejected }
}

/** What a strict reader takes from a `set` message: plain digits, a safe integer, a key of 1 to 1024 characters. */
function strictSet(message: string): { ms: number; key: string } | undefined {
  const match = /^set ([1-9][0-9]{0,15}) ([\s\S]{1,1024})$/.exec(message)
  if (match === null) return undefined
  const ms = Number(match[1])
  return Number.isSafeInteger(ms) ? { ms, key: match[2] as string } : undefined
}

/** Durations as a hostile or buggy publisher might write them. */
const hostileNumber = fc.oneof(
  fc.constantFrom('1e300', 'Infinity', 'NaN', '-5', '0', '0x10', '1.5', ' 12', '12 ', '+7', '007', '1_000'),
  fc.constantFrom('9007199254740993', '99999999999999999999', String(HOUR_MS + 1), '1', String(HOUR_MS)),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.nat().map(String),
)
const anyKey = fc.oneof(
  fc.string({ minLength: 0, maxLength: 20 }),
  fc.string({ minLength: 1020, maxLength: 1030 }),
)
const anyMessage = fc.oneof(
  fc.string(),
  fc.tuple(hostileNumber, anyKey).map(([ms, key]) => `set ${ms} ${key}`),
  anyKey.map((key) => `del ${key}`),
)

describe('values from Redis are parsed strictly and bounded, never obeyed blindly', () => {
  const suite = useRedisServer()

  it('takes a valid change message, clamps a long one, and reports anything else', async () => {
    const prefix = freshPrefix()
    const store = await openStore(suite, { prefix })
    const { windows, rejected } = recorder(store)
    let sentinel = 0
    await fc.assert(
      fc.asyncProperty(anyMessage, async (message) => {
        windows.length = 0
        rejected.length = 0
        await suite.operator.publish(`${prefix}changes`, message)
        // One channel, one connection: once the sentinel has arrived, so has the message before it.
        const mark = `sentinel|${++sentinel}`
        await suite.operator.publish(`${prefix}changes`, `set 1000 ${mark}`)
        await eventually(() => windows.some((event) => event.key === mark))
        const own = windows.filter((event) => event.key !== mark)
        const set = strictSet(message)
        const del = message.startsWith('del ') && message.length > 4 && message.length <= 4 + 1024
        if (set !== undefined) {
          expect(own).toEqual([
            expect.objectContaining({ key: set.key, remainingMs: Math.min(set.ms, HOUR_MS) }),
          ])
          expect(rejected).toEqual(
            set.ms > HOUR_MS ? [expect.objectContaining({ source: 'message', action: 'clamped' })] : [],
          )
        } else if (message === 'clear' || del) {
          expect(own).toEqual([])
          expect(rejected).toEqual([])
        } else {
          expect(own).toEqual([])
          expect(rejected).toEqual([expect.objectContaining({ source: 'message', action: 'ignored' })])
          expect(rejected[0]?.value.length).toBeLessThanOrEqual(60)
        }
        const now = Date.now()
        for (const [, endsAt] of store.open?.(now) ?? []) expect(endsAt).toBeLessThanOrEqual(now + HOUR_MS)
      }),
      { numRuns: 60 },
    )
  })

  it('loads keys written by anyone on resync: clamps long TTLs, ignores keys without one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            key: fc.oneof(
              fc.string({ minLength: 1, maxLength: 12 }),
              fc.string({ minLength: 1025, maxLength: 1030 }),
            ),
            ttlMs: fc.option(fc.oneof(fc.integer({ min: 1_000, max: 2 * HOUR_MS }), fc.constant(3e12)), {
              nil: undefined,
            }),
          }),
          { selector: (entry) => entry.key, maxLength: 8 },
        ),
        async (entries) => {
          const prefix = freshPrefix()
          for (const { key, ttlMs } of entries) {
            if (ttlMs === undefined) await suite.operator.set(prefix + key, 'x')
            else await suite.operator.set(prefix + key, 'x', 'PX', ttlMs)
          }
          const store = createRedisFloodStore({
            redis: clientFor(suite.server.port),
            prefix,
            maxWindowMs: HOUR_MS,
          })
          suite.opened.push(store)
          const { rejected } = recorder(store)
          const before = Date.now()
          expect(await store.whenSynced()).toBe(true)
          const after = Date.now()
          for (const { key, ttlMs } of entries) {
            const until = store.get(key, after)
            if (ttlMs === undefined || key.length > 1024) {
              expect(until, key).toBeUndefined()
              expect(rejected).toContainEqual(expect.objectContaining({ source: 'sync', action: 'ignored' }))
            } else {
              expect(until, key).toBeDefined()
              expect(until as number).toBeLessThanOrEqual(after + Math.min(ttlMs, HOUR_MS))
              expect(until as number).toBeGreaterThan(before + Math.min(ttlMs, HOUR_MS) - 1_000)
              if (ttlMs > HOUR_MS) {
                expect(rejected).toContainEqual(
                  expect.objectContaining({ source: 'sync', action: 'clamped' }),
                )
              }
            }
          }
          await store.close()
        },
      ),
      { numRuns: 12 },
    )
  })

  it('keeps the error grammar when a clamped window from Redis holds a call back', async () => {
    const prefix = freshPrefix()
    const store = await openStore(suite, { prefix })
    const { windows } = recorder(store)
    const key = 'alice|messages.sendMessage'
    await suite.operator.publish(`${prefix}changes`, `set 9007199254740991 ${key}`)
    await eventually(() => windows.length === 1)
    const invoke = createInvoker({ account: 'alice', floodStore: store, send: () => 'ok' })
    const error = await invoke('messages.sendMessage', { peer: 1 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(FloodError)
    expect((error as FloodError).type).toMatch(/^FLOOD_WAIT_\d+$/)
    expect((error as FloodError).seconds).toBeLessThanOrEqual(HOUR_MS / 1000)
  })

  /**
   * Records a window of `windowMs` while Redis is frozen for `pausedMs` (the write times out on our
   * side and stays in Redis's socket), then waits until Redis has run it. Returns the key's PTTL
   * then and the time left in the window by our clock.
   */
  async function recordWhilePaused(
    windowMs: number,
    pausedMs: number,
  ): Promise<{ ttl: number; leftMs: number }> {
    const prefix = freshPrefix()
    const store = await openStore(suite, { prefix, commandTimeoutMs: 100 })
    const key = 'alice|messages.sendMessage'
    const runs = async () => {
      const stats = await commandStats(suite.operator)
      return (stats.get('evalsha') ?? 0) + (stats.get('eval') ?? 0)
    }
    const before = await runs()
    suite.server.pause()
    const now = Date.now()
    await expect(store.record(key, now + windowMs, now)).rejects.toBeInstanceOf(FloodStoreUnavailableError)
    // Keep Redis frozen for the scenario's time (this is the fault, not a wait for absence).
    await eventually(() => Date.now() > now + pausedMs, 5_000)
    suite.server.resume()
    await eventually(async () => (await runs()) > before)
    return { ttl: await suite.operator.pttl(prefix + key), leftMs: now + windowMs - Date.now() }
  }

  it('drops a write that a paused Redis runs after its window has ended', async () => {
    const { ttl } = await recordWhilePaused(300, 500)
    expect(ttl).toBe(-2)
  })

  it('sets only what is left of a window that a paused Redis runs late', async () => {
    const { ttl, leftMs } = await recordWhilePaused(5_000, 1_000)
    // At most what was left when Redis woke, plus the command timeout of slack; never the full window.
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(leftMs + 100 + 50)
    expect(ttl).toBeLessThan(4_500)
  })
})

describe('close() when Redis was never reachable', () => {
  it('leaves no timer behind', async () => {
    const port = await freePort()
    const live = new Set<number>()
    // Timers made from here to close(); the poll's own timers after it are not the store's.
    let tracking = true
    const hook = createHook({
      init(id, type) {
        if (tracking && type === 'Timeout') live.add(id)
      },
      destroy(id) {
        live.delete(id)
      },
    })
    hook.enable()
    try {
      const store = createRedisFloodStore({
        redis: new Redis({ port, host: '127.0.0.1', lazyConnect: true }),
      })
      expect(await store.whenSynced(200)).toBe(false)
      await store.close()
      tracking = false
      // ioredis used to keep a 2 s timer per connection here, holding the process after close().
      await eventually(() => live.size === 0, 1_000)
    } finally {
      hook.disable()
    }
  })
})

describe('createRedisFloodStore options', () => {
  it('any value is accepted (and the store opens and closes) or fails at once naming the option', async () => {
    const port = await freePort()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('prefix', 'commandTimeoutMs', 'resyncRetryMs', 'maxKeys', 'maxWindowMs', 'now'),
        anyValue,
        async (name, value) => {
          await checkedOrWorks(
            'createRedisFloodStore',
            name,
            () =>
              createRedisFloodStore({
                redis: new Redis({ port, host: '127.0.0.1', lazyConnect: true }),
                [name]: value,
              }),
            (store) => store.close(),
          )
        },
      ),
      { numRuns: 100 },
    )
  })

  it('refuses a command timeout that ioredis would arm as a 1 ms timer', () => {
    const redis = new Redis({ lazyConnect: true })
    expect(() => createRedisFloodStore({ redis, commandTimeoutMs: 2 ** 31 })).toThrow(RangeError)
    expect(() => createRedisFloodStore({ redis, commandTimeoutMs: '500' as never })).toThrow(
      new TypeError(
        'createRedisFloodStore: commandTimeoutMs must be a number >= 1 and <= 2147483647, got "500"',
      ),
    )
  })
})
