/**
 * The engine against the simulated cluster over loopback TCP: how close a flood-bound workload gets
 * to the time the server's limits force, and how many calls per second go through when nothing
 * limits them.
 *
 * Flood-bound: K calls on one flood key at once, rule "at most N per W ms". No client can finish
 * before ceil(K/N) - 1 windows have passed, so the lower bound is (ceil(K/N) - 1) * W; the server
 * announces waits in whole seconds, so when W is not a whole number of seconds an honouring client
 * waits ceil(W / 1000) s per window instead, and that bound is shown too. Target: makespan within
 * 10% of the lower bound, zero violations.
 *
 * Run: `npm run bench -- testkit`, or `node --import tsx bench/testkit.bench.ts`.
 */
import { createInvoker } from '../src/index.js'
import { connect, createTestkitInvoker, startCluster, tallyRecovery } from '../src/testkit/index.js'

interface FloodRow {
  readonly workload: string
  readonly calls: number
  readonly 'makespan ms': number
  readonly 'lower bound ms': number
  readonly ratio: number
  readonly 'bound, whole-second waits ms': number
  readonly 'ratio to that': number
  readonly 'calls/s': number
  readonly violations: number
  readonly 'in-flight refusals': number
}

async function floodBound(calls: number, max: number, perMs: number): Promise<FloodRow> {
  const cluster = await startCluster({
    accounts: { bot: { homeDcId: 2 } },
    floodRules: [{ method: 'messages.sendMessage', scope: 'peer', maxCalls: max, windowMs: perMs }],
  })
  const invoke = createTestkitInvoker(cluster, {
    account: 'bot',
    // The workload sits through every window: no per-call cap on waits, a budget above the makespan.
    maxFloodWaits: Number.POSITIVE_INFINITY,
    deadlineMs: 10 * 60_000,
  })
  const tally = tallyRecovery(invoke)
  await invoke('help.getConfig') // connected, so the first window does not include the handshake
  const started = performance.now()
  const results = await Promise.allSettled(
    Array.from({ length: calls }, (_, i) =>
      invoke('messages.sendMessage', { peer: 'channel', message: `post ${i}` }),
    ),
  )
  const makespan = performance.now() - started
  const failed = results.filter((r) => r.status === 'rejected').length
  if (failed > 0) throw new Error(`${failed} calls failed`)
  const report = cluster.report()
  tally.stop()
  invoke.close()
  await cluster.stop()
  const windows = Math.ceil(calls / max) - 1
  const lowerBound = windows * perMs
  const wholeSeconds = windows * Math.ceil(perMs / 1000) * 1000
  return {
    workload: `${calls} calls, ${max} per ${perMs} ms`,
    calls,
    'makespan ms': Math.round(makespan),
    'lower bound ms': lowerBound,
    ratio: round(makespan / lowerBound),
    'bound, whole-second waits ms': wholeSeconds,
    'ratio to that': round(makespan / wholeSeconds),
    'calls/s': Math.round(calls / (makespan / 1000)),
    violations: report.floodViolations,
    'in-flight refusals': report.floodRefusedInFlight,
  }
}

/** Calls per second with nothing limiting them: `callers` concurrent loops of `help.getConfig`. */
async function unlimited(calls: number, callers: number, through: 'engine' | 'transport') {
  const cluster = await startCluster({ accounts: { bot: { homeDcId: 2 } }, floodRules: [] })
  const transport = connect(cluster, { account: 'bot' })
  const invoke = createInvoker({ send: (request) => transport.send(request), homeDcId: 2 })
  const call =
    through === 'engine'
      ? () => invoke('help.getConfig')
      : () => transport.send({ method: 'help.getConfig', dcId: 2 })
  await call()
  let left = calls
  const started = performance.now()
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (left-- > 0) await call()
    }),
  )
  const elapsed = performance.now() - started
  transport.close()
  await cluster.stop()
  return {
    through,
    calls,
    callers,
    'ms total': Math.round(elapsed),
    'calls/s': Math.round(calls / (elapsed / 1000)),
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

const flood = [
  await floodBound(300, 30, 1000),
  await floodBound(200, 50, 2000),
  // Not a whole second: the server announces FLOOD_WAIT_2 for a 1.5 s window.
  await floodBound(200, 40, 1500),
]
console.table(flood)
const throughput = [
  await unlimited(20_000, 200, 'transport'),
  await unlimited(20_000, 200, 'engine'),
  await unlimited(20_000, 1, 'engine'),
]
console.table(throughput)

const aligned = flood.filter((row) => row['lower bound ms'] === row['bound, whole-second waits ms'])
const worst = Math.max(...aligned.map((row) => row.ratio))
const violations = flood.reduce((n, row) => n + row.violations, 0)
console.log(
  `flood-bound makespan / lower bound: worst ${worst} (target <= 1.10) on whole-second windows; violations ${violations}`,
)
if (worst > 1.1 || violations > 0) process.exitCode = 1
