/**
 * A burst from a fleet on one flood key: several real processes, each with its own invoker acting
 * as one account, send their messages at one moment against one plain cluster whose flood rule
 * limits the method per account. The server's view (every arrival, accepted or refused) and the
 * workers' counts say whether the fleet met the limit once and then kept to it: the proof (and
 * the bench) that the fleet keeps one schedule and one learned pace per key through Redis.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { PlainCluster } from '../../../src/testkit/plain/cluster.js'

const run = promisify(execFile)
const WORKER = fileURLToPath(new URL('./burst-worker.ts', import.meta.url))

/** What one worker is told (JSON in its argv), besides the cluster's addresses. */
export interface BurstWorkerConfig {
  readonly account: string
  readonly homeDcId: number
  readonly method: string
  /** Messages this worker sends at once. */
  readonly count: number
  /** The barrier, epoch ms. */
  readonly startAt: number
  /** A Redis server on loopback for a shared flood and pace store; without it, memory stores. */
  readonly redisPort?: number
  readonly prefix: string
  readonly pacing: boolean
}

/** Options of {@link runBurst}. */
export interface BurstOptions {
  /** Started by the caller with a flood rule on `method` for `account`. */
  readonly cluster: PlainCluster
  readonly account: string
  readonly homeDcId: number
  readonly method: string
  readonly processes: number
  readonly perProcess: number
  readonly redisPort?: number
  /** Default: pacing on, as by default. */
  readonly pacing?: boolean
  /** The last process starts this much after the others (a worker joining a fleet already limited). Default 0. */
  readonly lastJoinsAfterMs?: number
  /** Start-up with tsx takes seconds on a loaded machine: every worker waits this long. Default 10 s. */
  readonly startDelayMs?: number
}

/** One worker's counts. */
export interface BurstWorkerResult {
  readonly ok: number
  readonly failed: number
  readonly floodWaits: number
  readonly paceChange: number
  readonly storeErrors: number
  readonly doneAt: readonly number[]
  readonly ratesPerSecond: readonly number[]
}

/** What the server saw and the workers counted. Times are ms from the barrier. */
export interface BurstReport {
  readonly workers: readonly BurstWorkerResult[]
  readonly arrivals: ReadonlyArray<{ readonly at: number; readonly ok: boolean }>
  readonly refused: number
  /** The last delivery. */
  readonly makespanMs: number
  /** What the server received, ms from the barrier, refusals marked: for failure messages. */
  readonly timeline: string
}

let runs = 0

/** Runs the workers against `cluster` and counts what its world saw of `method`. */
export async function runBurst(options: BurstOptions): Promise<BurstReport> {
  const { cluster, method } = options
  const arrivals: Array<{ at: number; ok: boolean }> = []
  const world = cluster.world
  const handle = world.handle.bind(world)
  world.handle = (call) => {
    const outcome = handle(call)
    if (call.method === method) arrivals.push({ at: Date.now(), ok: outcome.kind === 'ok' })
    return outcome
  }
  try {
    const startAt = Date.now() + (options.startDelayMs ?? 10_000)
    const prefix = `burst${process.pid}-${++runs}:`
    const config = (index: number) =>
      JSON.stringify({
        dcs: cluster.dcs,
        account: options.account,
        homeDcId: options.homeDcId,
        method,
        count: options.perProcess,
        startAt: startAt + (index === options.processes - 1 ? (options.lastJoinsAfterMs ?? 0) : 0),
        ...(options.redisPort !== undefined && { redisPort: options.redisPort }),
        prefix,
        pacing: options.pacing ?? true,
      })
    const outputs = await Promise.all(
      Array.from({ length: options.processes }, (_, index) =>
        run(process.execPath, ['--import', 'tsx', WORKER, config(index)], { timeout: 120_000 }),
      ),
    )
    const workers = outputs.map(({ stdout }) => JSON.parse(stdout) as BurstWorkerResult)
    const relative = arrivals.map((arrival) => ({ at: arrival.at - startAt, ok: arrival.ok }))
    return {
      workers,
      arrivals: relative,
      refused: relative.filter((arrival) => !arrival.ok).length,
      makespanMs: Math.max(...workers.flatMap((worker) => worker.doneAt)) - startAt,
      timeline: relative.map((arrival) => `${arrival.at}${arrival.ok ? '' : '×'}`).join(' '),
    }
  } finally {
    world.handle = handle
  }
}
