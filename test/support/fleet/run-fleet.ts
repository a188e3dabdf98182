/**
 * Runs one account's workload from several real processes against a plain cluster, and counts
 * what the server saw: the proof (and the bench) that a shared flood store stops a fleet from
 * paying for every FLOOD_WAIT once per process.
 */

import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { setLongTimeout } from '../../../src/recovery/long-timer.js'
import type { PlainCluster } from '../../../src/testkit/plain/cluster.js'
import type { FleetGo, FleetWorkerConfig, FleetWorkerResult } from './protocol.js'

/** Options of {@link runFleet}. */
export interface FleetOptions {
  /** The cluster, started by the caller (the workers get its ports). */
  readonly cluster: PlainCluster
  readonly account: string
  readonly homeDcId: number
  /** The method every call uses; give the cluster a flood rule for it. */
  readonly method: string
  /** Worker processes. Default 4. */
  readonly workers?: number
  /** How long the workload runs, ms. Default 4000. */
  readonly durationMs?: number
  /** Each worker calls once per period, the workers evenly staggered, ms. Default 40. */
  readonly periodMs?: number
  /** A Redis server on loopback: the workers share a Redis flood store. Without it, each keeps its own memory. */
  readonly redisPort?: number
  /** Prefix of the shared store. Default a fresh one per run. */
  readonly prefix?: string
}

/** What a fleet run did, as the server and the workers counted it. */
export interface FleetReport {
  readonly store: 'redis' | 'memory'
  readonly workers: number
  readonly durationMs: number
  readonly calls: number
  readonly ok: number
  readonly failed: number
  /** Calls the server received inside an announced window (it extended the window for each). */
  readonly floodViolations: number
  readonly floodWaitsReceived: number
  readonly heldLocally: number
  readonly storeErrors: number
  /** Successful calls per second of the run. */
  readonly okPerSecond: number
  /** Redis commands the server ran during the workload (scripts' inner commands included). */
  readonly redisCommands: number | undefined
  /** Runs of the extend script (one per window recorded). */
  readonly redisScriptRuns: number | undefined
  readonly perWorker: readonly FleetWorkerResult[]
}

const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url))
let runs = 0

/** Forks the workers, starts them together, and waits for their counts. */
export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const workers = options.workers ?? 4
  const durationMs = options.durationMs ?? 4000
  const periodMs = options.periodMs ?? 40
  const prefix = options.prefix ?? `fleet${process.pid}x${++runs}:`
  const children: ChildProcess[] = []
  const inspector =
    options.redisPort === undefined ? undefined : new Redis({ port: options.redisPort, host: '127.0.0.1' })
  try {
    const results: Array<Promise<FleetWorkerResult>> = []
    const ready: Array<Promise<void>> = []
    for (let index = 0; index < workers; index++) {
      const config: FleetWorkerConfig = {
        index,
        workers,
        dcs: options.cluster.dcs,
        account: options.account,
        homeDcId: options.homeDcId,
        method: options.method,
        prefix,
        ...(options.redisPort !== undefined && { redisPort: options.redisPort }),
      }
      const child = fork(WORKER, [JSON.stringify(config)], {
        execArgv: ['--import', 'tsx'],
        stdio: 'inherit',
      })
      children.push(child)
      ready.push(expectMessage(child, 'ready').then(() => undefined))
      const result = expectMessage(child, 'result', durationMs + 60_000).then(
        (m) => m.result as FleetWorkerResult,
      )
      // Awaited once every worker is ready; until then a crash must not be an unhandled rejection.
      result.catch(() => undefined)
      results.push(result)
    }
    await Promise.all(ready)
    const violationsBefore = options.cluster.report().floodViolations
    const before = inspector === undefined ? undefined : await commandStats(inspector)
    // A moment for every process to settle (startup compiles and collects) before the clock starts.
    const go: FleetGo = { type: 'go', startAt: Date.now() + 300, durationMs, periodMs }
    for (const child of children) child.send(go)
    const perWorker = await Promise.all(results)
    const after = inspector === undefined ? undefined : await commandStats(inspector)
    const sum = (pick: (r: FleetWorkerResult) => number) => perWorker.reduce((total, r) => total + pick(r), 0)
    const ok = sum((r) => r.ok)
    return {
      store: options.redisPort === undefined ? 'memory' : 'redis',
      workers,
      durationMs,
      calls: sum((r) => r.calls),
      ok,
      failed: sum((r) => r.failed),
      floodViolations: options.cluster.report().floodViolations - violationsBefore,
      floodWaitsReceived: sum((r) => r.floodWaitsReceived),
      heldLocally: sum((r) => r.heldLocally),
      storeErrors: sum((r) => r.storeErrors),
      okPerSecond: ok / (durationMs / 1000),
      redisCommands: before && after ? delta(before, after) : undefined,
      redisScriptRuns: before && after ? delta(before, after, ['evalsha', 'eval']) : undefined,
      perWorker,
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill()
    inspector?.disconnect()
  }
}

function expectMessage(
  child: ChildProcess,
  type: string,
  // Generous: four processes compiling TypeScript at once on a loaded two-core machine take a while.
  timeoutMs = 120_000,
): Promise<{ [key: string]: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setLongTimeout(
      () => reject(new Error(`fleet worker: no ${type} within ${timeoutMs} ms`)),
      timeoutMs,
    )
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== type) return
      timer.cancel()
      child.off('message', onMessage)
      resolve(message as { [key: string]: unknown })
    }
    child.on('message', onMessage)
    child.once('exit', (code) => {
      timer.cancel()
      reject(new Error(`fleet worker exited with ${code} before ${type}`))
    })
  })
}

/** Commands the server ran, by name (INFO itself left out; commands inside scripts included). */
async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats')
  const stats = new Map<string, number>()
  for (const [, name, calls] of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (name !== undefined && calls !== undefined && name !== 'info') stats.set(name, Number(calls))
  }
  return stats
}

function delta(before: Map<string, number>, after: Map<string, number>, only?: readonly string[]): number {
  let total = 0
  for (const [name, calls] of after)
    if (only === undefined || only.includes(name)) total += calls - (before.get(name) ?? 0)
  return total
}
