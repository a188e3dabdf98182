import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ATTR, instrument, METRIC } from '../../src/otel/index.js'
import { createRedisFloodStore } from '../../src/redis/index.js'
import { type RedisServer, startRedisServer } from '../../src/testkit/redis-server.js'
import { clientFor, eventually } from '../redis/helpers.js'
import { OtelHarness } from './harness.js'

/** The shared store's state, syncs, remote windows and errors, against a real redis-server. */
describe('instrument(redis flood store)', () => {
  let server: RedisServer
  let harness: OtelHarness

  beforeAll(async () => {
    server = await startRedisServer()
    harness = new OtelHarness()
  })

  afterAll(async () => {
    await harness?.close()
    await server?.dispose()
  })

  it('reports synced, then a window learnt from another process, then degraded when Redis dies', async () => {
    const providers = { meterProvider: harness.meterProvider }
    const watched = createRedisFloodStore({ redis: clientFor(server.port), prefix: 'otel:' })
    const other = createRedisFloodStore({ redis: clientFor(server.port), prefix: 'otel:' })
    const stop = instrument(watched, providers)
    try {
      expect(await watched.whenSynced()).toBe(true)
      expect(await other.whenSynced()).toBe(true)
      const state = async (name: string) => harness.value(METRIC.storeState, { [ATTR.storeState]: name })
      expect(await state('synced')).toBe(1)
      expect(await state('degraded')).toBe(0)
      expect(await harness.value(METRIC.storeSyncs)).toBe(1)

      const now = Date.now()
      await other.record('alice|messages.sendMessage', now + 60_000, now)
      await eventually(
        async () => (await harness.value(METRIC.storeRemoteWindows, { [ATTR.remoteVia]: 'message' })) === 1,
      )
      expect(await harness.value(METRIC.storeWindows)).toBe(1)

      await other.close()
      await server.stop()
      await eventually(async () => (await state('degraded')) === 1)
      expect(await state('synced')).toBe(0)
      expect(
        await harness.value(METRIC.storeErrors, { [ATTR.storeOperation]: 'connection' }),
      ).toBeGreaterThan(0)
    } finally {
      stop()
      await watched.close()
      await other.close()
      await server.start()
    }
  }, 20_000)
})
