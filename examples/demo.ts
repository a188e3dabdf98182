/**
 * `npm start`: a bot's realistic workload against a simulated Telegram cluster on loopback, with
 * every recovery shown as it happens and a summary at the end. `--quick` (or DEMO_QUICK=1) runs a
 * short version. Exits 0 when the server counted no flood violation, and exits on its own: every
 * socket and timer is released.
 */

import { detailsOf } from 'mtproto-errors'
import { startCluster, tallyRecovery } from 'mtproto-errors/testkit'
import { colourWanted, createStyle } from '../src/cli/style.js'
import { createProgress } from './demo/progress.js'
import { callsOf, demoInvoker, runDemoWorkload } from './demo/run.js'
import { ACCOUNT, CLUSTER, FULL, QUICK } from './demo/scenario.js'
import { gaveUpOnInternal, summarize } from './demo/summary.js'
import { Workload } from './demo/workload.js'

const quick = process.argv.includes('--quick') || process.env.DEMO_QUICK === '1'
const size = quick ? QUICK : FULL
const style = createStyle(colourWanted(process.stdout, process.env))
const out = (line = '') => process.stdout.write(`${line}\n`)

out(style.bold('mtproto-errors demo: a bot against a simulated Telegram cluster'))
const cluster = await startCluster(CLUSTER)
out(
  style.dim(
    `5 DCs on ${cluster.dcs.map((dc) => `${dc.host}:${dc.port}`).join(', ')}; ` +
      `account "${ACCOUNT}" lives on DC 2, its session starts on DC 1`,
  ),
)

const invoke = demoInvoker(cluster)
const tally = tallyRecovery(invoke)

// Calls asleep (flood wait, held by a window, backoff) until a time: counted live for the bar.
const sleepers: number[] = []
const waitingNow = () => {
  const now = Date.now()
  let count = 0
  for (const until of sleepers) if (until > now) count++
  return count
}
const total = callsOf(size)
const work = new Workload(invoke, () => undefined)
const progress = createProgress(process.stdout, style, () => {
  const counts = tally.counts()
  return {
    settled: work.settled,
    total,
    ok: work.ok,
    failed: work.failures.length,
    waiting: waitingNow(),
    retries: Object.values(counts.retries).reduce((a, b) => a + b, 0),
    redirects: Object.values(counts.migrations).reduce((a, b) => a + b, 0),
  }
})

// Notable events, one line each (a flood window once, however many calls it holds).
const shown = new Set<string>()
const shownWindowEndsAt = new Map<string, number>()
const once = (key: string) => !shown.has(key) && shown.add(key) !== undefined
invoke.on('homeDcChange', (e) =>
  progress.note(
    `${style.cyan('303')} ${e.kind}_MIGRATE_${e.toDcId}: the account lives on DC ${e.toDcId}, home moved there`,
  ),
)
invoke.on('migrate', (e) => {
  if (e.kind !== 'USER' && once(`${e.method}|${e.error.errorMessage}`))
    progress.note(`${style.cyan('303')} ${e.method}: ${e.error.errorMessage}, following (each part alike)`)
})
invoke.on('authorize', (e) => {
  if (e.phase === 'done') progress.note(`${style.cyan('401')} authorized on DC ${e.dcId} (export + import)`)
})
invoke.on('floodWait', (e) => {
  if (e.willWait) sleepers.push(e.retryAt)
  // Every call refused in the same window reports it: show each window once.
  const last = shownWindowEndsAt.get(e.key) ?? 0
  if (Math.abs(e.retryAt - last) < 500) return
  shownWindowEndsAt.set(e.key, e.retryAt)
  progress.note(
    `${style.yellow('420')} ${e.method}: ${e.error.errorMessage}, ` +
      `${e.willWait ? `waiting ${(e.waitMs / 1000).toFixed(1)} s; later calls held locally` : 'handed to the caller'}`,
  )
})
invoke.on('floodWindowHit', (e) => {
  if (e.willWait) sleepers.push(e.retryAt)
})
invoke.on('retry', (e) => sleepers.push(Date.now() + e.delayMs))
invoke.on('giveUp', (e) => {
  if (e.reason !== 'not-retryable')
    progress.note(`${style.red('gave up')} ${e.method} after ${e.attempts.length} attempts (${e.reason})`)
})

const startedAt = performance.now()
await runDemoWorkload(work, size)
const elapsedMs = performance.now() - startedAt
progress.finish()

const counts = tally.counts()
tally.stop()
invoke.close()
const report = cluster.report()
await cluster.stop()

for (const line of summarize({ work, counts, report, elapsedMs }, style)) out(line)
const sample = gaveUpOnInternal(work.failures)
if (sample !== undefined) {
  out()
  out(style.bold(`Diagnostic report of a 500 that gave up (detailsOf(err).report.toText()):`))
  for (const line of detailsOf(sample.error)?.report.toText().split('\n') ?? []) out(`  ${line}`)
}
process.exitCode = report.floodViolations === 0 ? 0 : 1
