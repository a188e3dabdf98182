/**
 * Many processes, one account: what sharing flood windows through Redis buys, side by side with
 * per-process memory stores. Four forked workers drive one account against the plain cluster (a
 * flood rule they trip), and the server counts the violations; also reported: throughput, and the
 * Redis commands the server ran per call (INFO commandstats, scripts' inner commands included).
 * Then the staleness of the mirror: from one process's `record` to another's honour, on loopback.
 * Then a burst from three processes on one flood key, paced (the default) with memory stores per
 * process and with the Redis store (one schedule and one learned pace for the fleet), and not
 * paced: refusals, requests, makespan against the bound the limit sets, and the paces learned.
 *
 * Needs `redis-server` on the PATH (started here on a free port, no persistence).
 * Run: `npm run bench fleet`, or `node --import tsx bench/fleet.bench.ts`.
 */
import { Redis } from 'ioredis'
import { createRedisFloodStore } from '../src/redis/index.js'
import { type PlainCluster, startPlainCluster } from '../src/testkit/plain/index.js'
import { hasRedisServer, type RedisServer, startRedisServer } from '../src/testkit/redis-server.js'
import { runBurst } from '../test/support/fleet/burst.js'
import { type FleetReport, runFleet } from '../test/support/fleet/index.js'

if (!hasRedisServer()) {
  console.log('fleet bench skipped: redis-server is not installed (apt-get install redis-server)')
  process.exit(0)
}

const METHOD = 'contacts.resolveUsername'

interface Workload {
  readonly name: string
  /** Per worker; the four workers are staggered evenly within it. */
  readonly periodMs: number
  readonly durationMs: number
  /** The server's limit for the method, per account. */
  readonly max: number
  readonly perMs: number
}

const WORKLOADS: readonly Workload[] = [
  { name: 'paced: a call every 200 ms', periodMs: 800, durationMs: 6_000, max: 4, perMs: 2_000 },
  { name: 'dense: a call every 10 ms', periodMs: 40, durationMs: 4_000, max: 20, perMs: 1_000 },
  { name: 'happy path: limit never hit', periodMs: 40, durationMs: 3_000, max: 1_000_000, perMs: 1_000 },
]

async function fleetRun(redis: RedisServer, workload: Workload, shared: boolean): Promise<FleetReport> {
  // A fresh cluster per run, so one run's windows do not spill into the next.
  const cluster: PlainCluster = await startPlainCluster({
    accounts: { alice: { homeDcId: 2 } },
    floodRules: [{ method: METHOD, scope: 'account', maxCalls: workload.max, windowMs: workload.perMs }],
  })
  try {
    return await runFleet({
      cluster,
      account: 'alice',
      homeDcId: 2,
      method: METHOD,
      workers: 4,
      durationMs: workload.durationMs,
      periodMs: workload.periodMs,
      ...(shared && { redisPort: redis.port }),
    })
  } finally {
    await cluster.stop()
  }
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number
}

/** From `record` in one store to the window being honoured by another store (its own connections). */
async function staleness(redis: RedisServer, samples: number): Promise<number[]> {
  const client = () => new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true })
  const prefix = `staleness${process.pid}:`
  const a = createRedisFloodStore({ redis: client(), prefix })
  const b = createRedisFloodStore({ redis: client(), prefix })
  await Promise.all([a.whenSynced(), b.whenSynced()])
  const delays: number[] = []
  for (let i = 0; i < samples + 20; i++) {
    const key = `alice|m${i}`
    const honoured = new Promise<number>((resolve) => {
      const off = b.on('remoteWindow', (event) => {
        if (event.key !== key) return
        off()
        // The mirror holds it now: b's next `get` (its next call) sees it.
        resolve(performance.now())
      })
    })
    const start = performance.now()
    const now = Date.now()
    void a.record(key, now + 5_000, now)
    const delay = (await honoured) - start
    if (i >= 20) delays.push(delay) // the first ones warm the paths up
  }
  await Promise.all([a.close(), b.close()])
  return delays.sort((x, y) => x - y)
}

/** The burst: how many processes, how many messages each, the server's limit per account. */
const BURST = { processes: 3, perProcess: 8, max: 5, perMs: 2_000, method: 'messages.sendMessage' }

async function burstRows(redis: RedisServer): Promise<Array<Record<string, string | number>>> {
  const total = BURST.processes * BURST.perProcess
  // All at once, the limit lets `max` through per window: the last message leaves this long after.
  const boundMs = (Math.ceil(total / BURST.max) - 1) * BURST.perMs
  const rows: Array<Record<string, string | number>> = []
  const setUps = [
    { name: 'paced, Redis store (one pace per key)', redis: true, pacing: true },
    { name: 'paced, memory store per process', redis: false, pacing: true },
    { name: 'not paced, Redis store (windows shared)', redis: true, pacing: false },
  ]
  for (const setUp of setUps) {
    const cluster = await startPlainCluster({
      accounts: { alice: { homeDcId: 2 } },
      floodRules: [{ method: BURST.method, scope: 'account', maxCalls: BURST.max, windowMs: BURST.perMs }],
    })
    try {
      const report = await runBurst({
        cluster,
        account: 'alice',
        homeDcId: 2,
        method: BURST.method,
        processes: BURST.processes,
        perProcess: BURST.perProcess,
        pacing: setUp.pacing,
        ...(setUp.redis && { redisPort: redis.port }),
      })
      const delivered = report.workers.reduce((sum, worker) => sum + worker.ok, 0)
      const rates = report.workers.flatMap((worker) => worker.ratesPerSecond).map((rate) => rate.toFixed(2))
      rows.push({
        'set-up': setUp.name,
        delivered: `${delivered}/${total}`,
        'FLOOD_WAITs (server)': report.refused,
        'after the first window': report.arrivals.filter((a) => !a.ok && a.at >= BURST.perMs).length,
        requests: report.arrivals.length,
        'makespan s': Number((report.makespanMs / 1000).toFixed(2)),
        'makespan / bound': Number((report.makespanMs / boundMs).toFixed(2)),
        'paces learned /s': rates.length === 0 ? '-' : rates.join(' '),
      })
    } finally {
      await cluster.stop()
    }
  }
  return rows
}

const redis = await startRedisServer()
try {
  const rows: Array<Record<string, string | number>> = []
  for (const workload of WORKLOADS) {
    for (const shared of [true, false]) {
      if (!shared && workload.max >= 1_000_000) continue
      const report = await fleetRun(redis, workload, shared)
      rows.push({
        workload: workload.name,
        store: shared ? 'Redis (shared)' : 'memory (per process)',
        calls: report.calls,
        ok: report.ok,
        'ok/s': Number(report.okPerSecond.toFixed(1)),
        'violations (server)': report.floodViolations,
        'FLOOD_WAITs received': report.floodWaitsReceived,
        'held locally': report.heldLocally,
        'Redis cmds/call':
          report.redisCommands === undefined ? '-' : (report.redisCommands / report.calls).toFixed(2),
        'script runs': report.redisScriptRuns ?? '-',
      })
    }
  }
  console.log('4 worker processes, one account, contacts.resolveUsername limited per account:')
  console.table(rows)
  const delays = await staleness(redis, 500)
  console.log(
    `mirror staleness, record -> honoured by another process's store (loopback, ${delays.length} samples): ` +
      `p50 ${quantile(delays, 0.5).toFixed(2)} ms, p90 ${quantile(delays, 0.9).toFixed(2)} ms, ` +
      `p99 ${quantile(delays, 0.99).toFixed(2)} ms, max ${quantile(delays, 1).toFixed(2)} ms`,
  )
  const burst = await burstRows(redis)
  console.log(
    `\n${BURST.processes} processes send ${BURST.perProcess} messages each at one moment on one account's ` +
      `${BURST.method}, limited to ${BURST.max} per ${BURST.perMs / 1000} s (bound ` +
      `${((Math.ceil((BURST.processes * BURST.perProcess) / BURST.max) - 1) * BURST.perMs) / 1000} s):`,
  )
  console.table(burst)
} finally {
  await redis.dispose()
}
