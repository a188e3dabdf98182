/**
 * One process of the multi-process pacing test: books `count` slots on one shared limit through
 * its own Redis store and prints the slots as epoch ms (receipt plus delay: the timers that would
 * wait for them are left out, their lateness is not the store's) as one JSON line.
 * Args: port prefix count periodMs startAt. Every worker starts booking at `startAt` (epoch ms),
 * so the processes overlap whatever their start-up took: a barrier, not a hope.
 */
import { Redis } from 'ioredis'
import { createRedisFloodStore } from '../../src/redis/index.js'

const [port, prefix, count, periodMs, startAt] = process.argv.slice(2)
const store = createRedisFloodStore({
  redis: new Redis({ port: Number(port), host: '127.0.0.1', lazyConnect: true }),
  prefix: prefix as string,
})
const limit = { key: 'bot42|send', count: 1, periodMs: Number(periodMs), burst: 1 }
if (!(await store.whenSynced(10_000))) throw new Error('worker: Redis not reached')
const lateMs = Date.now() - Number(startAt)
if (lateMs > 0) throw new Error(`worker: started ${lateMs} ms after the barrier; give it more time`)
await new Promise((resolve) => setTimeout(resolve, -lateMs))
const sends = await Promise.all(
  Array.from({ length: Number(count) }, async () => {
    const { delayMs, storeError } = await store.reserve([limit], Date.now())
    if (storeError !== undefined) throw new Error(`worker: reserved locally: ${String(storeError)}`)
    return Date.now() + delayMs
  }),
)
await store.close()
process.stdout.write(`${JSON.stringify(sends)}\n`)
