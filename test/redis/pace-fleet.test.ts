import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlainCluster, startCluster } from '../../src/testkit/index.js'
import { type RedisServer, startRedisServer } from '../../src/testkit/redis-server.js'

const run = promisify(execFile)

interface WorkerCounts {
  readonly ok: number
  readonly failed: number
  readonly floodWaits: number
  readonly storeErrors: number
  readonly doneAt: readonly number[]
}
const worker = fileURLToPath(new URL('./pace-fleet-worker.ts', import.meta.url))
const MAX = 5
const PER_MS = 2_000
let redis: RedisServer
let cluster: PlainCluster

/**
 * Three processes, each with its own invoker and Redis flood store on one redis-server, send a
 * burst on one flood key of one account against one cluster: the engine's pacer books its slots in
 * the shared store, so the fleet keeps one schedule for the key.
 */
describe('the engine pacer shared across processes over one redis-server', () => {
  beforeAll(async () => {
    redis = await startRedisServer()
    cluster = await startCluster({
      accounts: { alice: { homeDcId: 2 } },
      floodRules: [{ method: 'messages.sendMessage', scope: 'account', maxCalls: MAX, windowMs: PER_MS }],
    })
  })

  afterAll(async () => {
    await cluster?.stop()
    await redis?.dispose()
  })

  it('keeps one schedule for the key: the server refuses only while the limit is discovered', async () => {
    const arrivals: Array<{ at: number; ok: boolean }> = []
    const handle = cluster.world.handle.bind(cluster.world)
    cluster.world.handle = (call) => {
      const outcome = handle(call)
      if (call.method === 'messages.sendMessage') arrivals.push({ at: Date.now(), ok: outcome.kind === 'ok' })
      return outcome
    }
    const perProcess = 8
    // Start-up with tsx takes seconds on a loaded machine; every worker waits for this moment.
    const startAt = Date.now() + 10_000
    const config = (index: number) =>
      JSON.stringify({
        dcs: cluster.dcs,
        redisPort: redis.port,
        prefix: 'pacefleet:',
        count: perProcess,
        startAt,
        index,
      })
    const outputs = await Promise.all(
      [0, 1, 2].map((index) =>
        run(process.execPath, ['--import', 'tsx', worker, config(index)], { timeout: 90_000 }),
      ),
    )
    const counts = outputs.map(({ stdout }) => JSON.parse(stdout) as WorkerCounts)
    expect(counts.map((c) => c.ok)).toEqual([perProcess, perProcess, perProcess])
    expect(counts.every((c) => c.storeErrors === 0)).toBe(true)
    expect(cluster.report().floodViolations).toBe(0)
    // The server refused only while the processes discovered the limit (each in slow start, all
    // at once): once the first window was over, the fleet's sends were never refused again.
    const refused = arrivals.filter((arrival) => !arrival.ok)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.length).toBeLessThanOrEqual(8)
    expect(Math.max(...refused.map((arrival) => arrival.at))).toBeLessThan(startAt + PER_MS)
    expect(arrivals).toHaveLength(3 * perProcess + refused.length)
    // One schedule, not three taking turns: every process delivered before another's last send.
    const firsts = counts.map((c) => Math.min(...c.doneAt))
    const lasts = counts.map((c) => Math.max(...c.doneAt))
    expect(Math.max(...firsts)).toBeLessThan(Math.min(...lasts))
  }, 120_000)
})
