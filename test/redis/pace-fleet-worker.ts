/**
 * One process of the engine-pacing fleet test: its own cluster connection, its own Redis flood
 * store on the shared redis-server, its own invoker (pacing on, as by default), all acting as one
 * account. Config: JSON in argv[2]. At `startAt` (epoch ms, a barrier every process waits for) it
 * sends `count` messages at once on one flood key, then prints one JSON line: its counts and when
 * each message was delivered (epoch ms).
 */
import { Redis } from 'ioredis'
import { createInvoker } from '../../src/index.js'
import { createRedisFloodStore } from '../../src/redis/index.js'
import type { DcAddress } from '../../src/testkit/cluster.js'
import { connect } from '../../src/testkit/plain/client.js'

interface Config {
  readonly dcs: readonly DcAddress[]
  readonly redisPort: number
  readonly prefix: string
  readonly count: number
  readonly startAt: number
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config
const transport = connect({ dcs: config.dcs }, { account: 'alice', defaultDcId: 2 })
const store = createRedisFloodStore({
  redis: new Redis({ port: config.redisPort, host: '127.0.0.1', lazyConnect: true }),
  prefix: config.prefix,
})
if (!(await store.whenSynced(10_000))) throw new Error('worker: the Redis store did not sync')
const invoke = createInvoker({
  account: 'alice',
  homeDcId: 2,
  floodStore: store,
  send: (request) => transport.send(request),
  deadlineMs: 60_000,
})
const counts = { ok: 0, failed: 0, floodWaits: 0, paceChange: 0, storeErrors: 0, doneAt: [] as number[] }
invoke.on('floodWait', () => counts.floodWaits++)
invoke.on('paceChange', () => counts.paceChange++)
invoke.on('storeError', () => counts.storeErrors++)
await invoke('help.getConfig', {})
const lateMs = Date.now() - config.startAt
if (lateMs > 0) throw new Error(`worker: started ${lateMs} ms after the barrier; give it more time`)
await new Promise((resolve) => setTimeout(resolve, -lateMs))
await Promise.all(
  Array.from({ length: config.count }, (_, i) =>
    invoke('messages.sendMessage', { peer: 'channel', message: `m${i}` }).then(
      () => {
        counts.ok++
        counts.doneAt.push(Date.now())
      },
      () => counts.failed++,
    ),
  ),
)
invoke.close()
transport.close()
await store.close()
process.stdout.write(`${JSON.stringify(counts)}\n`)
