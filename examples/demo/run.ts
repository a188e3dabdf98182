/**
 * The demo's invoker and workload, apart from its display, so a test can run the same workload
 * (the Prometheus end-to-end test does) without starting the demo as a process. The demo's own
 * modules import the library by path, not by package name: Vitest resolves no package
 * self-reference to the sources (tsx does, through tsconfig paths), and these files never ship.
 */
import type { Invoker } from '../../src/recovery/invoker.js'
import { createTestkitInvoker, type PlainCluster } from '../../src/testkit/index.js'
import { ACCOUNT, type DemoSize } from './scenario.js'
import { JOBS, type Workload } from './workload.js'

/** The demo's invoker on `cluster`: its session starts on DC 1, the account lives on DC 2. */
export function demoInvoker(cluster: PlainCluster): Invoker {
  return createTestkitInvoker(cluster, {
    account: ACCOUNT,
    defaultDcId: 1,
    // Shorter backoff than the 1 s default, so the failing service gives up within the demo.
    baseDelayMs: 250,
    maxDelayMs: 2000,
  })
}

/** The calls the demo makes for `size`: the login check, the jobs' calls, the statistics call and the three typos. */
export function callsOf(size: DemoSize): number {
  return (
    1 +
    size.background +
    size.burst +
    size.slowPosts +
    size.resolves +
    size.fileParts +
    size.historyReads +
    1 +
    3
  )
}

/** Runs the demo's workload: a plain call first (the session is on DC 1, the account on DC 2), then every job at once. */
export async function runDemoWorkload(work: Workload, size: DemoSize): Promise<void> {
  await work.call('login', 'users.getFullUser')
  await Promise.all(JOBS.map((job) => job(work, size)))
}
