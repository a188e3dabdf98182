/**
 * Many worker processes, one account, one Redis: every worker honours the flood windows any of
 * them met, so the fleet never calls into a window the server has announced.
 *
 *   npx tsx examples/workers.ts                 # starts its own redis-server and a simulated cluster
 *   REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/workers.ts
 *
 * The parent starts a simulated Telegram cluster (the testkit) with a tight limit on
 * contacts.resolveUsername, forks four copies of this file as workers, and prints what the server
 * counted. `runWorker` is the part to copy into your own service.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { createInvoker, FloodError } from 'mtproto-errors'
import { createRedisFloodStore } from 'mtproto-errors/redis'
import { connect, type DcAddress, startCluster, startRedisServer } from 'mtproto-errors/testkit'

const WORKERS = 4
const CALLS_PER_WORKER = 8

interface WorkerConfig {
  readonly index: number
  readonly redisUrl: string
  readonly dcs: readonly DcAddress[]
}

/** One worker: its own Redis connection, its own invoker, the account every worker shares. */
async function runWorker(config: WorkerConfig): Promise<void> {
  const floodStore = createRedisFloodStore({
    redis: new Redis(config.redisUrl, { lazyConnect: true }),
    prefix: 'example:flood:', // one prefix per application sharing the server
  })
  // Logged, not fatal: without Redis the worker goes on with its local windows.
  floodStore.on('down', () => console.log(`worker ${config.index}: Redis unreachable, local windows only`))
  floodStore.on('sync', (e) => console.log(`worker ${config.index}: synced (${e.loaded} open windows)`))
  await floodStore.whenSynced()

  const transport = connect({ dcs: config.dcs }, { account: 'alice', defaultDcId: 2 })
  const invoke = createInvoker({
    account: 'alice', // part of every key: accounts sharing one Redis never collide
    homeDcId: 2,
    floodStore,
    send: (request) => transport.send(request),
  })
  invoke.on('floodWait', (e) => console.log(`worker ${config.index}: FLOOD_WAIT, ${e.waitMs} ms`))
  invoke.on('floodWindowHit', (e) =>
    console.log(
      `worker ${config.index}: held locally, window from another worker (${e.remainingMs} ms left)`,
    ),
  )

  for (let i = 0; i < CALLS_PER_WORKER; i++) {
    // Staggered so the workers take turns; each call waits out any open window before it is sent.
    await new Promise((resolve) => setTimeout(resolve, 150 + config.index * 40))
    try {
      await invoke('contacts.resolveUsername', { username: `user${config.index}_${i}` })
    } catch (error) {
      if (!(error instanceof FloodError)) throw error
      console.log(`worker ${config.index}: gave up on a wait longer than its budget`)
    }
  }
  transport.close()
  await floodStore.close()
}

async function runParent(): Promise<void> {
  const ownRedis = process.env.REDIS_URL === undefined ? await startRedisServer() : undefined
  const redisUrl = process.env.REDIS_URL ?? (ownRedis?.url as string)
  const cluster = await startCluster({
    accounts: { alice: { homeDcId: 2 } },
    floodRules: [{ method: 'contacts.resolveUsername', scope: 'account', maxCalls: 6, windowMs: 2_000 }],
  })
  try {
    const self = fileURLToPath(import.meta.url)
    const workers = Array.from({ length: WORKERS }, (_, index) => {
      const config: WorkerConfig = { index, redisUrl, dcs: cluster.dcs }
      const child = fork(self, ['worker', JSON.stringify(config)], { execArgv: ['--import', 'tsx'] })
      return new Promise<void>((resolve, reject) =>
        child.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`worker ${index} exited ${code}`)),
        ),
      )
    })
    await Promise.all(workers)
    const report = cluster.report()
    console.log(
      `\nserver: ${report.ok} calls served, ${report.errorsByType.FLOOD_WAIT_X ?? 0} FLOOD_WAITs sent, ` +
        `${report.floodViolations} calls made inside an announced window (violations)`,
    )
  } finally {
    await cluster.stop()
    await ownRedis?.dispose()
  }
}

if (process.argv[2] === 'worker') await runWorker(JSON.parse(process.argv[3] as string) as WorkerConfig)
else await runParent()
