import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlainCluster, startCluster } from '../../src/testkit/index.js'
import { type RedisServer, startRedisServer } from '../../src/testkit/redis-server.js'
import { type BurstOptions, runBurst } from '../support/fleet/burst.js'

const MAX = 5
const PER_MS = 2_000
const METHOD = 'messages.sendMessage'
const PER_PROCESS = 8
let redis: RedisServer
let cluster: PlainCluster

/**
 * Three processes, each with its own invoker and Redis flood store on one redis-server, send a
 * burst on one flood key of one account against one cluster: the engine's pacer books its slots in
 * the shared store and learns the key's pace there, so the fleet keeps one schedule and one pace.
 */
/** Three processes, eight messages each, on the shared redis-server: `runBurst` with `options`. */
function burst(options: Partial<BurstOptions> = {}) {
  return runBurst({
    cluster,
    account: 'alice',
    homeDcId: 2,
    method: METHOD,
    processes: 3,
    perProcess: PER_PROCESS,
    redisPort: redis.port,
    ...options,
  })
}

describe('the engine pacer shared across processes over one redis-server', () => {
  beforeAll(async () => {
    redis = await startRedisServer()
    cluster = await startCluster({
      accounts: { alice: { homeDcId: 2 } },
      floodRules: [{ method: METHOD, scope: 'account', maxCalls: MAX, windowMs: PER_MS }],
    })
  })

  afterAll(async () => {
    await cluster?.stop()
    await redis?.dispose()
  })

  it('keeps one schedule and one pace for the key: refused while the limit is discovered, kept to after', async () => {
    const perProcess = PER_PROCESS
    const report = await burst()
    const { workers, arrivals, timeline } = report
    expect(workers.map((c) => c.ok)).toEqual([perProcess, perProcess, perProcess])
    expect(workers.every((c) => c.storeErrors === 0)).toBe(true)
    expect(cluster.report().floodViolations).toBe(0)
    // The server refused while the processes discovered the limit, each in its own slow start (1,
    // 2, 4... in flight until its first refusal, so a few sends each beyond the fleet's 5). After
    // the first window the fleet keeps to the limit: a send may still be refused if it left later
    // after its slot than the margins allow (a loaded machine), which shrinks the fleet's pace once.
    const refused = arrivals.filter((arrival) => !arrival.ok)
    const inDiscovery = refused.filter((arrival) => arrival.at < PER_MS)
    expect(inDiscovery.length, timeline).toBeGreaterThan(0)
    expect(refused.length, timeline).toBeLessThanOrEqual(12)
    expect(refused.length - inDiscovery.length, timeline).toBeLessThanOrEqual(2)
    expect(arrivals).toHaveLength(3 * perProcess + refused.length)
    // One pace for the key, not one per process: the shares the three refusals measured added up
    // to the server's rate (5 per 2 s; each alone measured 1 or 2 of them), so every process ends
    // at the fleet's pace, at most the limit's. (Each read it at its own last booking: a pace
    // growing back after a shrink may differ by a step or two of growth.)
    const rates = workers.flatMap((c) => c.ratesPerSecond)
    expect(rates).toHaveLength(3)
    const limitPerSecond = MAX / (PER_MS / 1000)
    for (const rate of rates) {
      expect(rate, timeline).toBeGreaterThan(Math.max(...rates) * 0.85)
      expect(rate, timeline).toBeLessThanOrEqual(limitPerSecond)
    }
    expect(Math.max(...rates), timeline).toBeGreaterThan(limitPerSecond * 0.6)
    // So the fleet delivers close to what the limit allows: 24 messages at 5 per 2 s need 8 s
    // (4 whole windows after the first); evenly spaced after the first window, about 9.6 s.
    const boundMs = (Math.ceil((3 * perProcess) / MAX) - 1) * PER_MS
    expect(report.makespanMs, timeline).toBeLessThan(boundMs * 1.5)
    // One schedule, not three taking turns: every process delivered before another's last send.
    const firsts = workers.map((c) => Math.min(...c.doneAt))
    const lasts = workers.map((c) => Math.max(...c.doneAt))
    expect(Math.max(...firsts)).toBeLessThan(Math.min(...lasts))
  }, 120_000)

  it('paces a process that joins while the key is limited at the fleet’s pace: it is never refused', async () => {
    const perProcess = PER_PROCESS
    const report = await burst({ lastJoinsAfterMs: 500 })
    const { workers, arrivals, timeline } = report
    expect(workers.map((c) => c.ok)).toEqual([perProcess, perProcess, perProcess])
    expect(cluster.report().floodViolations).toBe(0)
    // The late process found the key's window in its store (another process's), held its calls,
    // and booked them at the fleet's pace when it ended, instead of releasing all eight at once.
    const late = workers[2]
    expect(late?.floodWaits, timeline).toBe(0)
    const rates = workers.flatMap((c) => c.ratesPerSecond)
    expect(rates).toHaveLength(3)
    for (const rate of rates) expect(rate, timeline).toBeGreaterThan(Math.max(...rates) * 0.85)
    const refusedAfter = arrivals.filter((arrival) => !arrival.ok && arrival.at >= PER_MS)
    expect(refusedAfter.length, timeline).toBeLessThanOrEqual(2)
    const boundMs = (Math.ceil((3 * perProcess) / MAX) - 1) * PER_MS
    expect(report.makespanMs, timeline).toBeLessThan(boundMs * 1.5)
  }, 120_000)
})
