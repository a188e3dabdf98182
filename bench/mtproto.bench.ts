/**
 * Real clients against the MTProto cluster, one flood-bound workload: K messages to Saved Messages
 * at once, rule "at most N per W ms" per account. Each client does what it does by itself (GramJS
 * and mtcute both sleep through FLOOD_WAIT below a threshold); the server counts what they broke.
 *
 * Lower bound: no client can finish before ceil(K/N) - 1 windows have passed, (ceil(K/N) - 1) * W.
 * Violations: calls the server received inside a wait it had announced to that account. MTProto
 * calls carry no receipt of what the client had seen, so this is the strict reading: calls of the
 * burst still in flight when the first refusal went out count too (the plain cluster tells these
 * apart; see docs/testkit.md).
 * Lost: calls that ended in an error for the application.
 *
 * Run: `npm run bench -- mtproto`, or `node --import tsx bench/mtproto.bench.ts`.
 */
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
import { startCluster } from '../src/testkit/index.js'

const CALLS = 30
const MAX = 5
const PER_MS = 2000
const PHONE = '9996620001'
/** A run that has not finished by then is cut: what matters is that it did not. */
const BUDGET_MS = 60_000
/**
 * Our adapters' limits, sized for this workload: every window announced here is at most PER_MS, so
 * any wait is slept through; a call may meet up to ceil(K/N) windows; each call ends before the
 * budget, so an unfinished call would be ours to explain, not the budget's.
 */
const RECOVERY = {
  maxFloodWaitMs: 30_000,
  maxFloodWaits: Math.ceil(CALLS / MAX) + 2,
  deadlineMs: BUDGET_MS - 5_000,
} as const

interface Row {
  readonly client: string
  readonly calls: number
  readonly 'makespan ms': number
  readonly 'lower bound ms': number
  readonly ratio: number
  readonly FLOOD_WAITs: number
  readonly violations: number
  readonly lost: number
  /** Calls still unsettled when the budget ran out. */
  readonly unfinished: number
  /** messages.sendMessage calls that reached the server's handler, first sends and repeats. */
  readonly 'server calls': number
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
    const recovery = wrapClient(client, RECOVERY)
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
    const recovery = mtcuteRecovery(RECOVERY)
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

async function run(driver: Driver): Promise<Row> {
  const cluster = await startCluster({
    protocol: 'mtproto',
    floodRules: [{ method: 'messages.sendMessage', scope: 'account', max: MAX, perMs: PER_MS }],
  })
  try {
    const client = await driver.start(cluster)
    const before = cluster.report()
    const started = performance.now()
    let settled = 0
    let lost = 0
    const calls = Array.from({ length: CALLS }, (_, i) =>
      client.send(`post ${i}`).then(
        () => {
          settled++
        },
        () => {
          settled++
          lost++
        },
      ),
    )
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      Promise.all(calls),
      new Promise((resolve) => {
        timer = setTimeout(resolve, BUDGET_MS)
      }),
    ])
    clearTimeout(timer)
    const makespan = performance.now() - started
    const after = cluster.report()
    await Promise.race([client.close(), new Promise((resolve) => setTimeout(resolve, 2000))])
    const lowerBound = (Math.ceil(CALLS / MAX) - 1) * PER_MS
    const floodWaits = (after.errorsByType.FLOOD_WAIT_X ?? 0) - (before.errorsByType.FLOOD_WAIT_X ?? 0)
    return {
      client: driver.name,
      calls: CALLS,
      'makespan ms': Math.round(makespan),
      'lower bound ms': lowerBound,
      ratio: Number((makespan / lowerBound).toFixed(2)),
      FLOOD_WAITs: floodWaits,
      violations: after.floodViolations - before.floodViolations,
      lost,
      unfinished: CALLS - settled,
      'server calls': serverCalls(after) - serverCalls(before),
    }
  } finally {
    await cluster.stop()
  }
}

function serverCalls(report: { protocol?: { calls?: Record<string, number> } }): number {
  return report.protocol?.calls?.['messages.sendMessage'] ?? 0
}

const rows: Row[] = []
for (const driver of [gramjs, gramjsAdapted, mtcute, mtcuteAdapted]) rows.push(await run(driver))
console.log(`${CALLS} concurrent messages.sendMessage, at most ${MAX} per ${PER_MS} ms per account`)
console.table(rows)
for (const row of rows) {
  // Every refused call must be sent again: CALLS + FLOOD_WAITs sends are needed to finish them all.
  const missing = CALLS + row.FLOOD_WAITs - row['server calls']
  if (row.lost + row.unfinished > 0)
    console.log(
      `FAILED ${row.client}: ${row.lost} lost, ${row.unfinished} unfinished; ${missing} repeats never reached the server`,
    )
}
process.exit(0)
