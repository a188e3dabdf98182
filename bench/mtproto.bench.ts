/**
 * Real clients against the MTProto cluster, one flood-bound account ("at most N per W ms" on
 * messages.sendMessage), in two phases on the same client: (a) a burst of K messages at once, then,
 * once the server's window has drained, (b) a producer faster than the limit (one message every P
 * ms). Each client does what it does by itself (GramJS and mtcute both sleep through FLOOD_WAIT
 * below a threshold); our adapters run with their default options (pacing on).
 *
 * Lower bound of a phase: the greedy schedule that sends each message as soon as it exists and the
 * sliding window allows (for the burst, (ceil(K/N) - 1) * W); no client can finish sooner.
 * Violations: calls the server received inside a wait it had announced, counted two ways (see
 * docs/testkit.md): "seen" when the client had the refusal (acknowledged it, or sent the call after
 * it went out on the same session), "strict" for any call inside the wait.
 * Lost: calls that ended in an error for the application.
 * Each run also writes its server-side timeline (requests, refusals, windows, ms since the phase's
 * start) to bench/out/mtproto-*.json and draws it as bench/out/mtproto-*.svg.
 *
 * Run: `npm run bench -- mtproto`, or `node --import tsx bench/mtproto.bench.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TelegramClient as MtcuteClient } from '@mtcute/node'
import { TelegramClient as GramjsClient } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import { wrapClient } from '../src/adapters/gramjs/index.js'
import { mtcuteRecovery } from '../src/adapters/mtcute/index.js'
import {
  destroyGramjsClient,
  gramjsOptions,
  loginGramjs,
  loginMtcute,
  mtcuteOptions,
} from '../src/testkit/clients.js'
import { type MtprotoCluster, startCluster } from '../src/testkit/index.js'
import { type Timeline, type TimelineRow, writeTimelineSvg } from './support/timeline-svg.js'

const CALLS = 30
const MAX = 5
const PER_MS = 2000
/** Phase (b): one message every this many ms, twice the rate the limit allows. */
const PRODUCER_EVERY_MS = 200
const PHONE = '9996620001'
/** A phase that has not finished by then is cut: what matters is that it did not. */
const BUDGET_MS = 70_000

interface Row {
  readonly client: string
  readonly phase: string
  readonly calls: number
  readonly 'makespan ms': number
  readonly 'lower bound ms': number
  readonly ratio: number
  readonly FLOOD_WAITs: number
  /** messages.sendMessage calls that reached the server's handler, first sends and repeats. */
  readonly requests: number
  readonly 'violations seen': number
  readonly 'violations strict': number
  readonly lost: number
  /** Calls still unsettled when the budget ran out. */
  readonly unfinished: number
}

interface Driver {
  readonly name: string
  /** Logs in and returns a function sending one message, and one closing the client. */
  start(
    cluster: Parameters<typeof gramjsOptions>[0],
  ): Promise<{ send(text: string): Promise<unknown>; close(): Promise<void> }>
}

const gramjs: Driver = {
  name: 'GramJS 2.26, bare',
  async start(cluster) {
    const client = new GramjsClient(new StringSession(''), 1, 'hash', {
      ...gramjsOptions(cluster),
      baseLogger: new Logger(LogLevel.NONE),
    })
    await loginGramjs(client, PHONE)
    return {
      send: (text) => client.sendMessage('me', { message: text }),
      close: () => destroyGramjsClient(client),
    }
  },
}

const gramjsAdapted: Driver = {
  name: 'GramJS with our adapter',
  async start(cluster) {
    const client = new GramjsClient(new StringSession(''), 1, 'hash', {
      ...gramjsOptions(cluster),
      baseLogger: new Logger(LogLevel.NONE),
    })
    const recovery = wrapClient(client)
    await loginGramjs(client, PHONE)
    return {
      send: (text) => client.sendMessage('me', { message: text }),
      close: async () => {
        recovery.invoker.close()
        await destroyGramjsClient(client)
      },
    }
  },
}

const mtcute: Driver = {
  name: 'mtcute 0.30, bare',
  async start(cluster) {
    const client = new MtcuteClient({ apiId: 1, apiHash: 'hash', ...mtcuteOptions(cluster), logLevel: 0 })
    await loginMtcute(client, PHONE)
    return { send: (text) => client.sendText('me', text), close: () => client.destroy() }
  },
}

const mtcuteAdapted: Driver = {
  name: 'mtcute with our adapter',
  async start(cluster) {
    const recovery = mtcuteRecovery()
    const client = new MtcuteClient({
      apiId: 1,
      apiHash: 'hash',
      ...mtcuteOptions(cluster),
      network: { middlewares: recovery.middlewares },
      logLevel: 0,
    })
    await loginMtcute(client, PHONE)
    return {
      send: (text) => client.sendText('me', text),
      close: async () => {
        recovery.invoker.close()
        await client.destroy()
      },
    }
  },
}

/** The earliest each message can be accepted under "N per W" if sent as soon as it exists. */
function lowerBoundMs(createdAfterMs: readonly number[]): number {
  const accepted: number[] = []
  for (const [i, created] of createdAfterMs.entries()) {
    accepted.push(i < MAX ? created : Math.max(created, (accepted[i - MAX] as number) + PER_MS))
  }
  return accepted.at(-1) ?? 0
}

interface Phase {
  readonly name: string
  /** When each message is created, ms after the phase starts. */
  readonly createdAfterMs: readonly number[]
}

const PHASES: readonly Phase[] = [
  { name: '(a) burst', createdAfterMs: Array.from({ length: CALLS }, () => 0) },
  {
    name: `(b) 1 per ${PRODUCER_EVERY_MS} ms`,
    createdAfterMs: Array.from({ length: CALLS }, (_, i) => i * PRODUCER_EVERY_MS),
  },
]

type Cluster = MtprotoCluster

/** Records when the server received each sendMessage and which it refused, from the world's side. */
function recordTimeline(cluster: Cluster): { since(startAt: number): TimelineRow } {
  const world = cluster.world
  const events: Array<{ at: number; refusedForMs: number | undefined }> = []
  if (world !== undefined) {
    const handle = world.handle.bind(world)
    world.handle = (call: Parameters<typeof handle>[0]) => {
      const outcome = handle(call)
      if (call.method === 'messages.sendMessage') {
        const message = outcome.kind === 'error' ? outcome.message : ''
        const seconds = /^FLOOD_WAIT_(\d+)$/.exec(message)?.[1]
        events.push({
          at: performance.now(),
          refusedForMs: seconds === undefined ? undefined : Number(seconds) * 1000,
        })
      }
      return outcome
    }
  }
  return {
    since(startAt) {
      const mine = events.filter((event) => event.at >= startAt)
      const at = (event: { at: number }) => Math.round(event.at - startAt)
      return {
        key: 'account messages.sendMessage',
        requests: mine.map(at),
        refusals: mine.filter((event) => event.refusedForMs !== undefined).map(at),
        windows: mine
          .filter((event) => event.refusedForMs !== undefined)
          .map((event) => [at(event), at(event) + (event.refusedForMs as number)] as [number, number]),
      }
    },
  }
}

async function runPhase(
  driver: Driver,
  client: { send(text: string): Promise<unknown> },
  cluster: Cluster,
  timeline: ReturnType<typeof recordTimeline>,
  phase: Phase,
): Promise<Row> {
  const before = cluster.report()
  const started = performance.now()
  let settled = 0
  let lost = 0
  const timers: ReturnType<typeof setTimeout>[] = []
  const calls = phase.createdAfterMs.map(
    (createdAt, i) =>
      new Promise<void>((resolve) => {
        const go = () =>
          client.send(`post ${i}`).then(
            () => {
              settled++
              resolve()
            },
            () => {
              settled++
              lost++
              resolve()
            },
          )
        if (createdAt === 0) go()
        else timers.push(setTimeout(go, createdAt))
      }),
  )
  let budget: ReturnType<typeof setTimeout> | undefined
  await Promise.race([
    Promise.all(calls),
    new Promise((resolve) => {
      budget = setTimeout(resolve, BUDGET_MS)
    }),
  ])
  clearTimeout(budget)
  for (const timer of timers) clearTimeout(timer)
  const makespan = performance.now() - started
  const after = cluster.report()
  const lowerBound = lowerBoundMs(phase.createdAfterMs)
  const row = timeline.since(started)
  const slug = `${driver.name}-${phase.name}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  const picture: Timeline = { title: `${driver.name}, ${phase.name}`, boundMs: lowerBound, rows: [row] }
  writeFileSync(join(OUT, `mtproto-${slug}.json`), `${JSON.stringify(picture)}\n`)
  writeTimelineSvg(join(OUT, `mtproto-${slug}.svg`), picture)
  return {
    client: driver.name,
    phase: phase.name,
    calls: phase.createdAfterMs.length,
    'makespan ms': Math.round(makespan),
    'lower bound ms': lowerBound,
    ratio: Number((makespan / lowerBound).toFixed(2)),
    FLOOD_WAITs: (after.errorsByType.FLOOD_WAIT_X ?? 0) - (before.errorsByType.FLOOD_WAIT_X ?? 0),
    requests: serverCalls(after) - serverCalls(before),
    'violations seen': after.floodViolations - before.floodViolations,
    'violations strict': after.floodViolationsStrict - before.floodViolationsStrict,
    lost,
    unfinished: phase.createdAfterMs.length - settled,
  }
}

async function run(driver: Driver): Promise<Row[]> {
  const cluster = await startCluster({
    protocol: 'mtproto',
    floodRules: [{ method: 'messages.sendMessage', scope: 'account', maxCalls: MAX, windowMs: PER_MS }],
  })
  const timeline = recordTimeline(cluster)
  try {
    const client = await driver.start(cluster)
    const rows: Row[] = []
    for (const phase of PHASES) {
      rows.push(await runPhase(driver, client, cluster, timeline, phase))
      // Let the server's window drain, so the next phase starts from an idle account.
      await new Promise((resolve) => setTimeout(resolve, PER_MS + 100))
    }
    await Promise.race([client.close(), new Promise((resolve) => setTimeout(resolve, 2000))])
    return rows
  } finally {
    await cluster.stop()
  }
}

function serverCalls(report: { protocol?: { calls?: Record<string, number> } }): number {
  return report.protocol?.calls?.['messages.sendMessage'] ?? 0
}

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out')
mkdirSync(OUT, { recursive: true })
const rows: Row[] = []
// `node --import tsx bench/mtproto.bench.ts adapter` runs only the drivers whose name has "adapter".
const only = process.argv.slice(2)
const drivers = [gramjs, gramjsAdapted, mtcute, mtcuteAdapted].filter(
  (driver) => only.length === 0 || only.some((word) => driver.name.includes(word)),
)
for (const driver of drivers) rows.push(...(await run(driver)))
console.log(`${CALLS} messages.sendMessage per phase, at most ${MAX} per ${PER_MS} ms per account`)
console.table(rows)
for (const row of rows) {
  if (row.lost + row.unfinished > 0) {
    console.log(`${row.client} ${row.phase}: ${row.lost} lost, ${row.unfinished} unfinished`)
  }
}
process.exit(0)
