/**
 * The demo's closing summary: what the engine did with each category of error (from its events),
 * what the server saw (from its report), and one diagnostic report of a call that gave up.
 */

import { detailsOf, isRpcError } from 'mtproto-errors'
import type { ClusterReport, TallyCounts } from 'mtproto-errors/testkit'
import type { Style } from '../../src/cli/style.js'
import type { Failure, Workload } from './workload.js'

/** Everything the summary is made from. */
export interface SummaryInput {
  readonly work: Workload
  readonly counts: TallyCounts
  readonly report: ClusterReport
  readonly elapsedMs: number
}

const n = (value: number) => value.toLocaleString('en-US')
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`

function list(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1])
  return entries.length === 0 ? 'none' : entries.map(([kind, count]) => `${kind} ×${n(count)}`).join(', ')
}

function total(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0)
}

/**
 * A call of the workload that gave up on internal errors, if any, for its report: the statistics
 * call (the service that is down) when it is there, so the sample is the same from run to run.
 */
export function gaveUpOnInternal(failures: readonly Failure[]): Failure | undefined {
  const internal = failures.filter(
    (f) => isRpcError(f.error) && f.error.category === 'INTERNAL' && detailsOf(f.error) !== undefined,
  )
  return internal.find((f) => f.job === 'statistics') ?? internal[0]
}

/** The summary, as lines. */
export function summarize({ work, counts, report, elapsedMs }: SummaryInput, style: Style): string[] {
  const head = (label: string) => style.bold(label.padEnd(12))
  const failed = work.failures.length
  const typos = work.failures.filter((f) => isRpcError(f.error) && f.error.category === 'BAD_REQUEST')
  const internalGiveUps = work.failures.filter((f) => !isRpcError(f.error) || f.error.category === 'INTERNAL')
  const floodWaitMs = counts.floodWaits.sleptMs + counts.floodHolds.heldMs
  const violations =
    report.floodViolations === 0 ? style.green('0') : style.red(String(report.floodViolations))

  const lines = [
    '',
    style.bold('Summary'),
    `${head('calls')}${n(work.started)} in ${s(elapsedMs)}: ${n(work.ok)} succeeded, ${n(failed)} failed`,
    `${head('303 migrate')}${list(counts.migrations)} followed; home DC moved ${counts.homeDcChanges} time(s); ` +
      `authorized on another DC ${counts.authorizations.done} time(s) (export + import)`,
    `${head('420 flood')}${n(counts.floodWaits.slept)} waits slept through (${s(counts.floodWaits.sleptMs)}), ` +
      `${n(counts.floodHolds.held)} calls held locally by a recorded window (${s(counts.floodHolds.heldMs)}), ` +
      `${n(counts.floodWaits.thrown + counts.floodHolds.refused)} handed to the caller`,
    `${head('500 & co')}${n(total(counts.retries))} retries (${list(counts.retries)}), ` +
      `${s(counts.retryDelayMs)} of backoff; ${n(internalGiveUps.length)} gave up`,
    `${head('400 input')}${n(typos.length)} sent back to the user, field named:`,
  ]
  for (const typo of typos) {
    const details = detailsOf(typo.error)
    const type = isRpcError(typo.error) ? typo.error.type : '?'
    lines.push(
      `${' '.repeat(14)}${typo.method}: ${type} (field ${details?.field ?? '?'}) → "${details?.userMessage ?? ''}"`,
    )
  }
  lines.push(
    `${head('waiting')}${s(floodWaitMs + counts.retryDelayMs)} in all, summed over calls ` +
      `(flood ${s(floodWaitMs)}, backoff ${s(counts.retryDelayMs)})`,
    `${head('server')}${n(report.requests)} requests; flood violations ${violations} ` +
      `(${n(report.floodRefusedInFlight)} refusals of calls already in flight); ` +
      `injected: ${n(report.injectedFaults)} API faults, transport ${list(report.transportFaults)}`,
  )
  return lines
}
