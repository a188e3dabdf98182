/**
 * One process of the Bot API bench: a grammY bot that broadcasts its share of the messages, all at
 * once (as `Promise.all` over the recipients), with one of the four set-ups, then prints what was
 * delivered as one JSON line. Started by bench/botapi.bench.ts; argument: a JSON `WorkerTask`.
 */
import { autoRetry } from '@grammyjs/auto-retry'
import { apiThrottler } from '@grammyjs/transformer-throttler'
import { Bot } from 'grammy'
import { Redis } from 'ioredis'
import { botApiTransformer } from '../../src/adapters/grammy/index.js'
import { createRedisFloodStore, type RedisFloodStore } from '../../src/redis/index.js'

/** The set-ups compared. */
export type Variant = 'grammy' | 'auto-retry' | 'throttler+auto-retry' | 'ours'

/** What a worker is told to do. */
export interface WorkerTask {
  readonly variant: Variant
  readonly apiRoot: string
  readonly token: string
  readonly messages: ReadonlyArray<{ readonly chatId: number; readonly text: string }>
  readonly redisPort: number
  /** Epoch ms at which every worker starts sending, so the processes overlap. */
  readonly startAt: number
}

/** What a worker reports. */
export interface WorkerReport {
  readonly delivered: number
  readonly lost: number
  readonly errors: string[]
}

const task = JSON.parse(process.argv[2] as string) as WorkerTask
const bot = new Bot(task.token, { client: { apiRoot: task.apiRoot } })
let store: RedisFloodStore | undefined
switch (task.variant) {
  case 'grammy':
    break
  case 'auto-retry':
    bot.api.config.use(autoRetry())
    break
  case 'throttler+auto-retry':
    // The order their docs give: auto-retry outermost, so every retry goes through the throttler.
    bot.api.config.use(apiThrottler())
    bot.api.config.use(autoRetry())
    break
  case 'ours':
    store = createRedisFloodStore({
      redis: new Redis({ port: task.redisPort, host: '127.0.0.1', lazyConnect: true }),
      prefix: 'bench:flood:',
    })
    if (!(await store.whenSynced(10_000))) throw new Error('worker: Redis not reached')
    bot.api.config.use(botApiTransformer({ token: task.token, limits: 'telegram', floodStore: store }))
    break
}

const lateMs = Date.now() - task.startAt
if (lateMs > 0) throw new Error(`worker: ready ${lateMs} ms after the start; give it more time`)
await new Promise((resolve) => setTimeout(resolve, -lateMs))

const errors: string[] = []
const outcomes = await Promise.all(
  task.messages.map(({ chatId, text }) =>
    bot.api.sendMessage(chatId, text).then(
      () => true,
      (error: unknown) => {
        if (errors.length < 3) errors.push(String(error instanceof Error ? error.message : error))
        return false
      },
    ),
  ),
)
await store?.close()
const delivered = outcomes.filter(Boolean).length
const report: WorkerReport = { delivered, lost: outcomes.length - delivered, errors }
process.stdout.write(`${JSON.stringify(report)}\n`)
