/**
 * A broadcast through the Bot API under Telegram's published limits, from 1 and from 4 processes:
 * grammY alone, with @grammyjs/auto-retry, with @grammyjs/transformer-throttler + auto-retry, and
 * with ours (`botApiTransformer({ limits: 'telegram', floodStore })`, the processes sharing one
 * redis-server). A local Bot API server (node:http on loopback; bench/support/published-limits.ts
 * has the limits it enforces) counts every request and every 429.
 *
 * Workload: MESSAGES messages at once (each process its share, all at the same moment): one each to
 * PRIVATE users and PER_GROUP each into GROUPS groups, interleaved.
 * Bound: what the limits allow at best, read as rates: the bot's 30 a second, (n - 1) / 30 s for n
 * messages, and a group's one a second, (PER_GROUP - 1) s; the longer of the two. (A sliding-window
 * server would take 30 at once at each second's edge and so finish up to a second sooner; a client
 * that aims at the edges meets every late packet as a 429, so the rate is the bound we hold to.)
 * Each row writes an SVG timeline to bench/out/.
 *
 * Needs `redis-server` on the PATH. Run: `npm run bench -- botapi`.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { startBotApiServer } from '../src/testkit/clients/bot-api-server.js'
import { hasRedisServer, startRedisServer } from '../src/testkit/redis-server.js'
import type { Variant, WorkerReport, WorkerTask } from './support/botapi-worker.js'
import { publishedLimits, type Refusal } from './support/published-limits.js'
import { type TimelineRow, writeTimelineSvg } from './support/timeline-svg.js'

if (!hasRedisServer()) {
  console.log('botapi bench skipped: redis-server is not installed (apt-get install redis-server)')
  process.exit(0)
}

const TOKEN = '777000:BENCH'
const PRIVATE = 105
const GROUPS = 3
const PER_GROUP = 5
const MESSAGES = PRIVATE + GROUPS * PER_GROUP
const BOUND_MS = Math.max(((MESSAGES - 1) / 30) * 1000, (PER_GROUP - 1) * 1000)
/** Start-up of a worker (tsx, grammY, a Redis connection) on a loaded machine, with room to spare. */
const START_DELAY_MS = 8_000
const ALL_VARIANTS: readonly Variant[] = ['grammy', 'auto-retry', 'throttler+auto-retry', 'ours']
/** `BOTAPI_VARIANTS=ours,auto-retry` runs only those rows (a quick look at one set-up). */
const VARIANTS = process.env.BOTAPI_VARIANTS
  ? ALL_VARIANTS.filter((variant) => process.env.BOTAPI_VARIANTS?.split(',').includes(variant))
  : ALL_VARIANTS
const worker = fileURLToPath(new URL('./support/botapi-worker.ts', import.meta.url))
const outDir = fileURLToPath(new URL('./out/', import.meta.url))
const run = promisify(execFile)

/** The broadcast: groups' messages spread evenly among the users'. */
function broadcast(): Array<{ chatId: number; text: string }> {
  const messages: Array<{ chatId: number; text: string }> = []
  const every = Math.floor(MESSAGES / (GROUPS * PER_GROUP))
  let user = 0
  let group = 0
  for (let i = 0; i < MESSAGES; i++) {
    const toGroup = i % every === 0 && group < GROUPS * PER_GROUP
    const chatId = toGroup ? -1001000 - (group++ % GROUPS) : 5000 + user++
    messages.push({ chatId, text: `news #${i}` })
  }
  return messages
}

interface Row {
  readonly case: string
  readonly processes: number
  readonly messages: number
  readonly delivered: number
  readonly lost: number
  readonly requests: number
  readonly '429s': number
  readonly 'makespan ms': number
  readonly 'bound ms': number
  readonly ratio: number
}

async function runCase(variant: Variant, processes: number, redisPort: number): Promise<Row> {
  const limits = publishedLimits()
  const api = await startBotApiServer({ script: limits.script })
  const messages = broadcast()
  const startAt = Date.now() + START_DELAY_MS
  try {
    const shares = Array.from({ length: processes }, (_, p) => messages.filter((_, i) => i % processes === p))
    const reports = await Promise.all(
      shares.map(async (share) => {
        const task: WorkerTask = {
          variant,
          apiRoot: api.apiRoot,
          token: TOKEN,
          messages: share,
          redisPort,
          startAt,
        }
        const { stdout } = await run(process.execPath, ['--import', 'tsx', worker, JSON.stringify(task)], {
          timeout: 180_000,
        })
        return JSON.parse(stdout.trim().split('\n').pop() as string) as WorkerReport
      }),
    )
    const sends = api.requests.filter((request) => request.method === 'sendMessage')
    const refused = new Set(limits.refusals.map((refusal) => refusal.request))
    const accepted = sends.filter((request) => !refused.has(request))
    const lastAccepted = Math.max(startAt, ...accepted.map((request) => request.at))
    const delivered = reports.reduce((sum, report) => sum + report.delivered, 0)
    const name = `${variant}, ${processes} process${processes === 1 ? '' : 'es'}`
    writeTimeline(
      name,
      `botapi-${variant.replace(/\W+/g, '-')}-${processes}p`,
      startAt,
      sends,
      limits.refusals,
    )
    const errors = reports.flatMap((report) => report.errors)
    if (errors.length > 0) console.log(`${name}: first errors: ${errors.slice(0, 2).join(' | ')}`)
    return {
      case: variant,
      processes,
      messages: MESSAGES,
      delivered,
      lost: MESSAGES - delivered,
      requests: sends.length,
      '429s': limits.refusals.length,
      'makespan ms': Math.round(lastAccepted - startAt),
      'bound ms': Math.round(BOUND_MS),
      ratio: Number(((lastAccepted - startAt) / BOUND_MS).toFixed(2)),
    }
  } finally {
    await api.close()
  }
}

function writeTimeline(
  title: string,
  file: string,
  startAt: number,
  sends: ReadonlyArray<{ at: number; payload: Readonly<Record<string, unknown>> }>,
  refusals: readonly Refusal[],
): void {
  const since = (at: number) => Math.round(at - startAt)
  const rowOf = (
    key: string,
    chats: (chat: number) => boolean,
    refusalKeys: (key: string) => boolean,
  ): TimelineRow => {
    const own = refusals.filter((refusal) => refusalKeys(refusal.key))
    return {
      key,
      requests: sends.filter((send) => chats(Number(send.payload.chat_id))).map((send) => since(send.at)),
      refusals: refusals
        .filter((refusal) => chats(Number(refusal.request.payload.chat_id)))
        .map((refusal) => since(refusal.at)),
      windows: own.map((refusal) => [since(refusal.at), since(refusal.at + refusal.retryAfterMs)]),
    }
  }
  const rows = [
    rowOf(
      'bot (every chat)',
      () => true,
      (key) => key === 'bot',
    ),
    ...Array.from({ length: GROUPS }, (_, g) => {
      const id = -1001000 - g
      return rowOf(
        `group ${id}`,
        (chat) => chat === id,
        (key) => key === `chat ${id}`,
      )
    }),
    rowOf(
      `${PRIVATE} private chats`,
      (chat) => chat > 0,
      (key) => key.startsWith('chat ') && !key.startsWith('chat -'),
    ),
  ]
  writeTimelineSvg(`${outDir}${file}.svg`, { title, boundMs: BOUND_MS, rows })
}

const redis = await startRedisServer()
const operator = new Redis({ port: redis.port, host: '127.0.0.1' })
const rows: Row[] = []
try {
  for (const processes of [1, 4]) {
    for (const variant of VARIANTS) {
      await operator.flushall()
      rows.push(await runCase(variant, processes, redis.port))
      console.log(JSON.stringify(rows[rows.length - 1]))
    }
  }
} finally {
  operator.disconnect()
  await redis.dispose()
}
console.log(
  `\n${MESSAGES} messages at once (${PRIVATE} users, ${GROUPS} groups x ${PER_GROUP}); bound ${Math.round(BOUND_MS)} ms`,
)
console.table(rows)
