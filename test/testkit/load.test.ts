import { describe, expect, it } from 'vitest'
import {
  type CallContext,
  defaultPolicies,
  detailsOf,
  type Failure,
  isRpcError,
  PASS,
  type Policy,
  RecoveryError,
} from '../../src/index.js'
import {
  createTestkitInvoker,
  type PlainCluster,
  startCluster,
  type TestkitInvoker,
  tallyRecovery,
} from '../../src/testkit/index.js'
import { faultyWorld } from './support/faulty-world.js'

/**
 * The load run: 50,000 calls from 200 concurrent callers against a cluster injecting every fault it
 * has. `TESTKIT_LOAD_CALLS` and `TESTKIT_LOAD_CALLERS` scale it for a quick local run; the default
 * is the size the testkit and the engine are held to.
 */
const CALLS = Number(process.env.TESTKIT_LOAD_CALLS ?? 50_000)
const CALLERS = Number(process.env.TESTKIT_LOAD_CALLERS ?? 200)
const ACCOUNTS = 20
const DEADLINE_MS = 20_000
const MAX_REDIRECTS = 3
/** How late past its deadline a call may end: timer lag on a loaded 2-core machine. */
const DEADLINE_SLACK_MS = 1_000

/** Counts the 303s each call met, keyed by its params object (one per call, never replaced here). */
function redirectAudit(redirects: WeakMap<object, number>): Policy {
  return {
    name: 'redirectAudit',
    onFailure(call: CallContext, failure: Failure) {
      if (isRpcError(failure) && failure.code === 303) {
        const key = call.params as object
        redirects.set(key, (redirects.get(key) ?? 0) + 1)
      }
      return PASS
    },
  }
}

/** Resource counts by type, as Node reports them (sockets, servers, timers, immediates). */
function resources(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  return counts
}

async function settleTo(baseline: Map<string, number>, withinMs: number): Promise<Map<string, number>> {
  const until = Date.now() + withinMs
  for (;;) {
    const now = resources()
    const same = [...new Set([...now.keys(), ...baseline.keys()])].every(
      (kind) => (now.get(kind) ?? 0) <= (baseline.get(kind) ?? 0),
    )
    if (same || Date.now() > until) return now
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

type Outcome = 'ok' | string

interface CallPlan {
  readonly method: string
  readonly params: Record<string, unknown>
}

/** The n-th call of caller c: mostly reads, some sends (own chat and a shared group), files, stats, typos. */
function planCall(c: number, n: number, account: string): CallPlan {
  const roll = (c * 7919 + n * 104_729) % 100
  if (roll < 30) return { method: 'users.getFullUser', params: {} }
  if (roll < 50) return { method: 'messages.getHistory', params: { peer: `chat-${c}` } }
  if (roll < 60) return { method: 'help.getConfig', params: {} }
  if (roll < 70) return { method: 'messages.sendMessage', params: { peer: `chat-${c}`, message: `n${n}` } }
  if (roll < 75)
    return { method: 'messages.sendMessage', params: { peer: `group-${account}`, message: 'hi' } }
  if (roll < 83) return { method: 'upload.getFile', params: { location: `file-${n % 10}`, limit: 4096 } }
  if (roll < 86) return { method: 'stats.getBroadcastStats', params: { channel: `news-${n % 3}` } }
  if (roll < 95) return { method: 'contacts.resolveUsername', params: { username: `user${n % 50}x` } }
  if (roll < 97) return { method: 'account.updateProfile', params: { first_name: '' } }
  return { method: 'contacts.resolveUsername', params: { username: 'a!' } }
}

/** How an outcome is counted: 'ok', or the error's class and what it carried. */
function kindOf(error: unknown): Outcome {
  if (isRpcError(error)) return `${error.name} ${error.type ?? error.errorMessage}`
  if (error instanceof RecoveryError) return error.name
  return `UNTYPED ${String(error)}`
}

describe('the engine over a faulty cluster, under load', () => {
  it(`${CALLS} calls from ${CALLERS} callers: all end, typed, bounded, no violation, nothing leaked`, async () => {
    const baseline = resources()
    const world = faultyWorld(6, ACCOUNTS, 0.0005)
    const accounts = world.accounts ?? {}
    const cluster: PlainCluster = await startCluster(world)
    const redirects = new WeakMap<object, number>()
    const invokers: TestkitInvoker[] = Object.keys(accounts).map((account) =>
      createTestkitInvoker(cluster, {
        account,
        defaultDcId: 1,
        deadlineMs: DEADLINE_MS,
        maxRedirects: MAX_REDIRECTS,
        baseDelayMs: 20,
        maxDelayMs: 500,
        maxFloodWaitMs: 10_000,
        policies: [redirectAudit(redirects), ...defaultPolicies()],
      }),
    )
    const tallies = invokers.map((invoke) => tallyRecovery(invoke))

    const outcomes = new Map<Outcome, number>()
    let started = 0
    let settled = 0
    let late = 0
    let maxRedirectsSeen = 0
    let maxDurationMs = 0
    const perCaller = Math.ceil(CALLS / CALLERS)
    const startedAt = performance.now()

    // Crash the DC of a quarter of the accounts a third of the way in, and bring it back.
    let crashed = false
    let inFlightAtCrash = 0
    const crash = async () => {
      // The accounts living on DC 3 (acct2, acct7, ...) have calls in flight there now.
      inFlightAtCrash = invokers.filter((_, i) => i % 5 === 2).reduce((n, inv) => n + inv.pendingCount, 0)
      await cluster.stopDc(3)
      await new Promise((resolve) => setTimeout(resolve, 300))
      await cluster.startDc(3)
    }
    let crashDone: Promise<void> | undefined

    const caller = async (c: number) => {
      const account = `acct${c % ACCOUNTS}`
      const invoke = invokers[c % ACCOUNTS] as TestkitInvoker
      for (let n = 0; n < perCaller && started < CALLS; n++) {
        if (!crashed && started >= CALLS / 3) {
          crashed = true
          crashDone = crash()
        }
        const plan = planCall(c, n, account)
        started++
        const t0 = performance.now()
        let outcome: Outcome
        try {
          await invoke(plan.method, plan.params)
          outcome = 'ok'
        } catch (error) {
          outcome = kindOf(error)
          const history = detailsOf(error)?.attempts ?? []
          expect(history.filter((a) => a.code === 303).length).toBeLessThanOrEqual(MAX_REDIRECTS + 1)
        }
        const durationMs = performance.now() - t0
        settled++
        maxDurationMs = Math.max(maxDurationMs, durationMs)
        if (durationMs > DEADLINE_MS + DEADLINE_SLACK_MS) late++
        maxRedirectsSeen = Math.max(maxRedirectsSeen, redirects.get(plan.params) ?? 0)
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
      }
    }
    await Promise.all(Array.from({ length: CALLERS }, (_, c) => caller(c)))
    await crashDone
    const elapsedMs = performance.now() - startedAt

    const counts = tallies.map((tally) => tally.counts())
    for (const invoke of invokers) invoke.close()
    // The server sees each client's close a moment later.
    for (let i = 0; i < 100 && cluster.report().openConnections > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10))
    const report = cluster.report()
    await cluster.stop()
    const after = await settleTo(baseline, 3_000)

    const sum = (pick: (c: (typeof counts)[number]) => number) => counts.reduce((t, c) => t + pick(c), 0)
    const summary = {
      calls: started,
      elapsedMs: Math.round(elapsedMs),
      callsPerSecond: Math.round(started / (elapsedMs / 1000)),
      maxDurationMs: Math.round(maxDurationMs),
      outcomes: Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])),
      server: {
        requests: report.requests,
        floodViolations: report.floodViolations,
        floodRefusedInFlight: report.floodRefusedInFlight,
        injectedFaults: report.injectedFaults,
        transportFaults: report.transportFaults,
        connections: report.connections,
      },
      engine: {
        migrations: sum((c) => Object.values(c.migrations).reduce((a, b) => a + b, 0)),
        floodWaitsSlept: sum((c) => c.floodWaits.slept),
        floodHeld: sum((c) => c.floodHolds.held),
        retries: counts.reduce<Record<string, number>>((all, c) => {
          for (const [kind, n] of Object.entries(c.retries)) all[kind] = (all[kind] ?? 0) + n
          return all
        }, {}),
        giveUps: counts.reduce<Record<string, number>>((all, c) => {
          for (const [kind, n] of Object.entries(c.giveUps)) all[kind] = (all[kind] ?? 0) + n
          return all
        }, {}),
        authorizations: sum((c) => c.authorizations.done),
      },
      maxRedirectsSeen,
      inFlightAtCrash,
    }
    console.log(JSON.stringify(summary, null, 2))

    expect(inFlightAtCrash).toBeGreaterThan(0)
    expect(settled).toBe(started)
    expect(started).toBe(CALLS)
    expect([...outcomes.keys()].filter((kind) => kind.startsWith('UNTYPED'))).toEqual([])
    expect(late).toBe(0)
    expect(report.floodViolations).toBe(0)
    expect(maxRedirectsSeen).toBeLessThanOrEqual(MAX_REDIRECTS)
    // Every kind of fault was injected, and recovered from often enough to matter.
    for (const kind of ['slow', 'drop-answer', 'half-frame', 'garbage', 'gzip'])
      expect(report.transportFaults[kind], kind).toBeGreaterThan(0)
    expect(report.errorsByType.INTERNAL_SERVER_ERROR).toBeGreaterThan(0)
    expect(report.errorsByType.Timeout).toBeGreaterThan(0)
    expect(report.errorsByType.FLOOD_WAIT_X).toBeGreaterThan(0)
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(CALLS * 0.9)
    expect(report.openConnections).toBe(0)
    for (const [kind, count] of after) expect(count, kind).toBeLessThanOrEqual(baseline.get(kind) ?? 0)
  }, 120_000)
})
