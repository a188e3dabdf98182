/**
 * One process of a paced burst from a fleet (see `runBurst`): its own cluster connection, its own
 * invoker acting as the account, and either a Redis flood store on the shared redis-server (which
 * also books paced slots and keeps the key's learned pace) or the default memory stores. Config:
 * JSON in argv[2]. At `startAt` (epoch ms, a barrier every process waits for) it sends `count`
 * messages at once on one flood key, then prints one JSON line: its counts, when each message was
 * delivered (epoch ms), and the paces it ended with (sends per second).
 */
import { Redis } from 'ioredis'
import { createInvoker } from '../../../src/index.js'
import { createRedisFloodStore } from '../../../src/redis/index.js'
import type { DcAddress } from '../../../src/testkit/cluster.js'
import { connect } from '../../../src/testkit/plain/client.js'
import type { BurstWorkerConfig } from './burst.js'

const config = JSON.parse(process.argv[2] ?? '{}') as BurstWorkerConfig & { dcs: readonly DcAddress[] }
const transport = connect({ dcs: config.dcs }, { account: config.account, defaultDcId: config.homeDcId })
const store =
  config.redisPort === undefined
    ? undefined
    : createRedisFloodStore({
        redis: new Redis({ port: config.redisPort, host: '127.0.0.1', lazyConnect: true }),
        prefix: config.prefix,
      })
if (store !== undefined && !(await store.whenSynced(10_000)))
  throw new Error('burst worker: the Redis store did not sync')
const invoke = createInvoker({
  account: config.account,
  homeDcId: config.homeDcId,
  ...(store !== undefined && { floodStore: store }),
  pacing: config.pacing,
  send: (request) => transport.send(request),
  deadlineMs: 60_000,
})
const counts = { ok: 0, failed: 0, floodWaits: 0, paceChange: 0, storeErrors: 0, doneAt: [] as number[] }
invoke.on('floodWait', () => counts.floodWaits++)
invoke.on('paceChange', () => counts.paceChange++)
invoke.on('storeError', () => counts.storeErrors++)
await invoke('help.getConfig', {})
const lateMs = Date.now() - config.startAt
if (lateMs > 0) throw new Error(`burst worker: started ${lateMs} ms after the barrier; give it more time`)
await new Promise((resolve) => setTimeout(resolve, -lateMs))
await Promise.all(
  Array.from({ length: config.count }, (_, i) =>
    invoke(config.method, { peer: 'channel', message: `m${i}` }).then(
      () => {
        counts.ok++
        counts.doneAt.push(Date.now())
      },
      () => counts.failed++,
    ),
  ),
)
const paces = invoke.pacingSnapshot().paces
invoke.close()
transport.close()
await store?.close()
process.stdout.write(
  `${JSON.stringify({ ...counts, ratesPerSecond: paces.map((pace) => pace.ratePerSecond) })}\n`,
)
