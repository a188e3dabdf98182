import { connect as connectSocket } from 'node:net'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { isRpcError, RecoveryError } from '../../src/index.js'
import {
  createRedisFloodStore,
  FloodStoreUnavailableError,
  type RedisFloodStore,
} from '../../src/redis/index.js'
import {
  type Cluster,
  ConnectionError,
  createTestkitInvoker,
  startCluster,
  type TestkitInvoker,
  tallyRecovery,
} from '../../src/testkit/index.js'
import { hasRedisServer, type RedisServer, startRedisServer } from '../../src/testkit/redis-server.js'
import { faultyWorld } from '../testkit/support/faulty-world.js'

/**
 * The soak: a mixed workload through the recovery engine against a cluster with every
 * fault on, a real redis-server shared by several flood stores that is frozen and killed on a
 * schedule, hostile raw connections on the side. Memory and handles are sampled; after warm-up they
 * must stay flat, every call must settle, and every rejection must be one of our typed errors.
 *
 * `SOAK_MINUTES` sets how long the workload runs (default 0.6, so `npm test` stays under a minute);
 * the full run is `SOAK_MINUTES=30 npx vitest run test/soak`.
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 0.6)
const DURATION_MS = Math.round(MINUTES * 60_000)
const WARM_UP_MS = Math.min(60_000, DURATION_MS * 0.3)
const SAMPLE_EVERY_MS = Math.max(500, Math.min(10_000, DURATION_MS / 40))
const ACCOUNTS = 12
/** Two instances per account, as two processes of one app sharing flood windows through Redis. */
const INSTANCES_PER_ACCOUNT = 2
const STORES = 3
const CALLERS = Number(process.env.SOAK_CALLERS ?? 48)
/** How much heapUsed may grow from the first window after warm-up to the last (GC timing is noisy). */
const HEAP_GROWTH_TOLERANCE = { ratio: 1.5, bytes: 24 << 20 }
/** How many more active handles the last window may hold than the first: in-flight sockets and timers vary. */
const HANDLE_GROWTH_TOLERANCE = 40

if (!hasRedisServer() && process.env.CI === 'true') {
  throw new Error('redis-server is not installed; .ci/install-services should have installed it')
}

interface Sample {
  readonly elapsedMs: number
  readonly heapUsed: number
  readonly handles: number
}

function handleCount(): number {
  return process.getActiveResourcesInfo().length
}

/** The median, which one GC landing in a window does not move. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** The n-th call of caller c: reads, sends into flood-limited chats, files on other DCs, bad input. */
function planCall(c: number, n: number): { method: string; params: Record<string, unknown> } {
  const roll = (c * 7919 + n * 104_729) % 100
  if (roll < 25) return { method: 'users.getFullUser', params: {} }
  if (roll < 40) return { method: 'messages.getHistory', params: { peer: `chat-${c % 6}` } }
  if (roll < 50) return { method: 'help.getConfig', params: {} }
  if (roll < 65)
    return { method: 'messages.sendMessage', params: { peer: `chat-${c % 6}`, message: `n${n}` } }
  if (roll < 75) return { method: 'upload.getFile', params: { location: `file-${n % 10}`, limit: 4096 } }
  if (roll < 80) return { method: 'stats.getBroadcastStats', params: { channel: `news-${n % 3}` } }
  if (roll < 92) return { method: 'contacts.resolveUsername', params: { username: `user${n % 50}x` } }
  if (roll < 96) return { method: 'account.updateProfile', params: { first_name: '' } }
  return { method: 'contacts.resolveUsername', params: { username: 'a!' } }
}

/** How a rejection is counted; anything not ours (or a testkit transport error) is UNTYPED. */
function kindOf(error: unknown): string {
  if (isRpcError(error)) return `RpcError ${error.type ?? error.errorMessage}`
  if (error instanceof RecoveryError) return error.name
  if (error instanceof ConnectionError || error instanceof FloodStoreUnavailableError) return error.name
  return `UNTYPED ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
}

/** A hostile client: garbage, or a frame begun and never finished, then gone. */
function hostileVisit(cluster: Cluster, n: number): Promise<void> {
  const dc = cluster.dcs[n % cluster.dcs.length]!
  return new Promise((resolve) => {
    const socket = connectSocket(dc.port, dc.host)
    socket.on('error', () => {})
    // Read (and drop) what comes back: a socket nobody reads never sees the DC's close.
    socket.resume()
    socket.on('close', () => resolve())
    socket.once('connect', () => {
      const bytes =
        n % 2 === 0
          ? Buffer.from('GET / HTTP/1.1\r\n\r\n')
          : Buffer.from([0xee, 0xee, 0xee, 0xee, 0x00, 0x10, 0x00, 0x00, 1, 2, 3, 4])
      socket.write(bytes)
      // The half-sent one is left for the DC's partial-frame timeout to cut; garbage is cut at once.
    })
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(!hasRedisServer())('the soak', () => {
  it(
    `${MINUTES} min of mixed calls with every fault on and Redis frozen and killed: flat, nothing lost, all typed`,
    async () => {
      const redis: RedisServer = await startRedisServer()
      const cluster = await startCluster({
        ...faultyWorld(13, ACCOUNTS, 0.001),
        partialFrameTimeoutMs: 1_000,
        idleTimeoutMs: 30_000,
      })
      const stores: RedisFloodStore[] = Array.from({ length: STORES }, () =>
        createRedisFloodStore({
          redis: new Redis({
            port: redis.port,
            host: '127.0.0.1',
            lazyConnect: true,
            retryStrategy: () => 100,
          }),
          prefix: 'soak:',
          commandTimeoutMs: 200,
        }),
      )
      const storeErrors = { count: 0 }
      const invokers: TestkitInvoker[] = []
      for (let i = 0; i < ACCOUNTS * INSTANCES_PER_ACCOUNT; i++) {
        const invoke = createTestkitInvoker(cluster, {
          account: `acct${i % ACCOUNTS}`,
          defaultDcId: 1,
          deadlineMs: 8_000,
          baseDelayMs: 20,
          maxDelayMs: 500,
          maxFloodWaitMs: 5_000,
          floodStore: stores[i % STORES]!,
        })
        invoke.on('storeError', () => {
          storeErrors.count++
        })
        invokers.push(invoke)
      }

      const tallies = invokers.map((invoke) => tallyRecovery(invoke))
      const startedAt = Date.now()
      const endAt = startedAt + DURATION_MS
      const outcomes = new Map<string, number>()
      let started = 0
      let settled = 0
      const samples: Sample[] = []
      const schedule = { pauses: 0, kills: 0, dcCrashes: 0, hostileVisits: 0 }

      // What is still running, so a run that does not end says what it is waiting for.
      const inFlight = new Map<number, string>()
      const running = new Set<string>()
      const tracked = async (name: string, work: () => Promise<void>) => {
        running.add(name)
        await work()
        running.delete(name)
      }
      const caller = async (c: number) => {
        const invoke = invokers[c % invokers.length]!
        for (let n = 0; Date.now() < endAt; n++) {
          const plan = planCall(c, n)
          const id = started++
          inFlight.set(id, `${plan.method} by invoker ${c % invokers.length} at ${Date.now() - startedAt} ms`)
          let outcome = 'ok'
          try {
            await invoke(plan.method, plan.params)
          } catch (error) {
            outcome = kindOf(error)
          }
          inFlight.delete(id)
          settled++
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
        }
      }

      // Faults on a schedule, each loop bounded by the run's end.
      const redisFaults = async () => {
        for (let round = 1; Date.now() < endAt - 3_000; round++) {
          await sleep(2_000)
          if (round % 3 === 0) {
            await redis.stop()
            schedule.kills++
            await sleep(1_000)
            await redis.start()
          } else {
            redis.pause()
            schedule.pauses++
            await sleep(1_000)
            redis.resume()
          }
        }
      }
      const dcCrashes = async () => {
        for (let round = 0; Date.now() < endAt - 3_000; round++) {
          await sleep(7_000)
          const id = (round % 5) + 1
          await cluster.stopDc(id)
          schedule.dcCrashes++
          await sleep(300)
          await cluster.startDc(id)
        }
      }
      const hostile = async () => {
        for (let n = 0; Date.now() < endAt - 2_000; n++) {
          await sleep(1_000)
          await hostileVisit(cluster, n)
          schedule.hostileVisits++
        }
      }
      const sampler = async () => {
        while (Date.now() < endAt) {
          await sleep(SAMPLE_EVERY_MS)

          samples.push({
            elapsedMs: Date.now() - startedAt,
            heapUsed: process.memoryUsage().heapUsed,
            handles: handleCount(),
          })
        }
      }

      const workload = Promise.all([
        ...Array.from({ length: CALLERS }, (_, c) => tracked(`caller ${c}`, () => caller(c))),
        tracked('redis faults', redisFaults),
        tracked('DC crashes', dcCrashes),
        tracked('hostile visits', hostile),
        tracked('sampler', sampler),
      ])
      // Every call has an 8 s deadline, so 20 s past the end everything must have ended.
      const stuck = await Promise.race([
        workload.then(() => false),
        sleep(DURATION_MS + 20_000).then(() => true),
      ])
      if (stuck) {
        const calls = [...inFlight.values()].slice(0, 20)
        expect.fail(
          `still running 20 s after the end: ${[...running].filter((name) => !name.startsWith('caller')).join(', ')}, ${running.size} in all; calls in flight (${inFlight.size}): ${calls.join('; ')}`,
        )
      }
      redis.resume()
      const report = cluster.report()
      const counts = tallies.map((tally) => tally.counts())
      const engine = {
        migrations: counts.reduce((n, c) => n + Object.values(c.migrations).reduce((a, b) => a + b, 0), 0),
        floodWaitsSlept: counts.reduce((n, c) => n + c.floodWaits.slept, 0),
        floodHeld: counts.reduce((n, c) => n + c.floodHolds.held, 0),
      }
      for (const invoke of invokers) invoke.close()
      await Promise.all(stores.map((store) => store.close()))
      await cluster.stop()
      await redis.dispose()

      const steady = samples.filter((s) => s.elapsedMs >= WARM_UP_MS)
      const third = Math.max(1, Math.floor(steady.length / 3))
      const first = steady.slice(0, third)
      const last = steady.slice(-third)
      const heapFirst = median(first.map((s) => s.heapUsed))
      const heapLast = median(last.map((s) => s.heapUsed))
      const handlesFirst = Math.max(...first.map((s) => s.handles))
      const handlesLast = median(last.map((s) => s.handles))
      const untyped = [...outcomes.keys()].filter((kind) => kind.startsWith('UNTYPED'))
      console.log(
        JSON.stringify(
          {
            minutes: MINUTES,
            calls: started,
            settled,
            callsPerSecond: Math.round(started / (DURATION_MS / 1000)),
            outcomes: Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])),
            schedule,
            engine,
            storeErrors: storeErrors.count,
            heapMiB: { first: +(heapFirst / 2 ** 20).toFixed(1), last: +(heapLast / 2 ** 20).toFixed(1) },
            handles: { first: handlesFirst, last: handlesLast },
            samples: samples.length,
            server: {
              requests: report.requests,
              floodViolations: report.floodViolations,
              badFrames: report.badFrames,
              partialFrameTimeouts: report.partialFrameTimeouts,
              peakBufferedBytes: report.peakBufferedBytes,
              injectedFaults: report.injectedFaults,
              transportFaults: report.transportFaults,
            },
          },
          null,
          2,
        ),
      )

      expect(settled).toBe(started)
      expect(untyped).toEqual([])
      expect(outcomes.get('ok') ?? 0).toBeGreaterThan(started * 0.5)
      // The mix did what it is for: migrations, flood waits, Redis outages, DC crashes.
      expect(engine.migrations).toBeGreaterThan(0)
      expect(engine.floodWaitsSlept + engine.floodHeld).toBeGreaterThan(0)
      expect(schedule.pauses).toBeGreaterThan(0)
      expect(schedule.kills).toBeGreaterThan(0)
      expect(schedule.dcCrashes).toBeGreaterThan(0)
      expect(steady.length).toBeGreaterThanOrEqual(3)
      expect(heapLast).toBeLessThanOrEqual(
        heapFirst * HEAP_GROWTH_TOLERANCE.ratio + HEAP_GROWTH_TOLERANCE.bytes,
      )
      expect(handlesLast).toBeLessThanOrEqual(handlesFirst + HANDLE_GROWTH_TOLERANCE)
      // The hostile visitors were cut by the server's limits, not left open.
      expect(report.badFrames).toBeGreaterThan(0)
      expect(report.partialFrameTimeouts).toBeGreaterThan(0)
    },
    DURATION_MS + 60_000,
  )
})
