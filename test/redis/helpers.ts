import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import type { RedisFloodStore } from '../../src/redis/index.js'
import { type RedisServer, startRedisServer } from '../../src/testkit/redis-server.js'

/**
 * A client as an application would hand it to the store. It never connects itself (the store only
 * duplicates it); reconnects are quick so outage tests stay short.
 */
export function clientFor(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50 })
}

/** A connected client for looking at the server from outside, as an operator would. */
export function inspector(port: number): Redis {
  const redis = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50, maxRetriesPerRequest: 1 })
  // Outage tests stop the server under it; its reconnect errors are expected, not news.
  redis.on('error', () => undefined)
  return redis
}

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function eventually(check: () => unknown, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const result = await check()
      if (result !== false) return
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    if (Date.now() > deadline) expect.fail(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * Commands the server ran, by name, from `INFO commandstats` (the INFO itself left out). Commands
 * run inside a script count too, under their own names.
 */
export async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats')
  const stats = new Map<string, number>()
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const [, name, calls] = match
    if (name !== undefined && calls !== undefined && name !== 'info') stats.set(name, Number(calls))
  }
  return stats
}

/** Commands run between two `commandStats` readings. */
export function commandsBetween(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0
  for (const [name, calls] of after) total += calls - (before.get(name) ?? 0)
  return total
}

/** A real server for one describe block, an operator's connection to it, and the stores a test opened. */
export interface RedisSuite {
  readonly server: RedisServer
  readonly operator: Redis
  /** Stores to close after each test (and the server resumed, in case a test froze it). */
  readonly opened: RedisFloodStore[]
}

/** Starts a server before the block's tests, closes their stores after each, disposes it after all. */
export function useRedisServer(): RedisSuite {
  const suite = { opened: [] as RedisFloodStore[] } as {
    server: RedisServer
    operator: Redis
    opened: RedisFloodStore[]
  }
  beforeAll(async () => {
    suite.server = await startRedisServer()
    suite.operator = inspector(suite.server.port)
  })
  afterEach(async () => {
    suite.server.resume()
    await Promise.all(suite.opened.splice(0).map((store) => store.close()))
  })
  afterAll(async () => {
    suite.operator?.disconnect()
    await suite.server?.dispose()
  })
  return suite
}
