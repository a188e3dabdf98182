/**
 * One worker process of a fleet run (see `runFleet`): its own cluster connection, its own Redis
 * connection (or none, for the per-process baseline), its own invoker, all acting as one account.
 * Started with `fork(..., { execArgv: ['--import', 'tsx'] })`; its configuration is the JSON in
 * argv[2]; it reports `ready`, waits for `go`, runs its share of the workload and reports its counts.
 */

import { Redis } from 'ioredis'
import { createInvoker, type FloodStore, MemoryFloodStore } from '../../../src/index.js'
import { setLongTimeout } from '../../../src/recovery/long-timer.js'
import { createRedisFloodStore, type RedisFloodStore } from '../../../src/redis/index.js'
import { connect } from '../../../src/testkit/plain/client.js'
import type { FleetGo, FleetWorkerConfig, FleetWorkerResult } from './protocol.js'

const config = JSON.parse(process.argv[2] ?? '{}') as FleetWorkerConfig
const send = (message: unknown) => process.send?.(message)
const sleep = (ms: number) => new Promise<void>((resolve) => setLongTimeout(resolve, ms))

const transport = connect({ dcs: config.dcs }, { account: config.account, defaultDcId: config.homeDcId })
let redisStore: RedisFloodStore | undefined
let floodStore: FloodStore = new MemoryFloodStore()
if (config.redisPort !== undefined) {
  const redis = new Redis({ port: config.redisPort, host: '127.0.0.1', lazyConnect: true })
  redisStore = createRedisFloodStore({ redis, prefix: config.prefix })
  floodStore = redisStore
  if (!(await redisStore.whenSynced(10_000))) throw new Error('worker: the Redis store did not sync')
}
const invoke = createInvoker({
  account: config.account,
  homeDcId: config.homeDcId,
  floodStore,
  send: (request) => transport.send(request),
  deadlineMs: 30_000,
})
const result: FleetWorkerResult = {
  index: config.index,
  calls: 0,
  ok: 0,
  failed: 0,
  floodWaitsReceived: 0,
  heldLocally: 0,
  storeErrors: 0,
}
invoke.on('floodWait', () => result.floodWaitsReceived++)
invoke.on('floodWindowHit', () => result.heldLocally++)
invoke.on('storeError', () => result.storeErrors++)
// Warm every path the run takes before the clock starts: the cluster connection, and the shared
// store's script and change message (a first EVALSHA falls back to EVAL; a first run of any code
// path is slow), so the first window of the run reaches the other workers at warm speed.
await invoke('help.getConfig', {})
if (redisStore !== undefined) {
  const warmKey = `warm-up|${config.index}`
  const heard = new Promise<void>((resolve) => {
    const off = redisStore?.on('remoteWindow', (event) => {
      if (event.key !== warmKey) return
      off?.()
      resolve()
    })
  })
  await redisStore.record(warmKey, Date.now() + 1, Date.now())
  await heard
}

process.once('message', async (message: FleetGo) => {
  const { startAt, durationMs, periodMs } = message
  // Worker i owns the slots startAt + i * periodMs / workers + k * periodMs: the fleet's calls are
  // spread evenly, and a call that waited rejoins its own slots instead of bunching with the others.
  const offset = startAt + (config.index * periodMs) / config.workers
  const endAt = startAt + durationMs
  let slot = offset
  while (slot < endAt) {
    await sleep(slot - Date.now())
    try {
      await invoke(config.method, { username: `user${config.index}x${result.calls}` })
      result.ok++
    } catch {
      result.failed++
    }
    result.calls++
    slot =
      offset +
      Math.max(Math.floor((slot - offset) / periodMs) + 1, Math.ceil((Date.now() - offset) / periodMs)) *
        periodMs
  }
  send({ type: 'result', result })
  transport.close()
  await redisStore?.close()
  process.exit(0)
})
send({ type: 'ready' })
