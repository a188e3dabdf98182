import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkFloodRules } from '../check-testkit-options.js'
import { FloodLimiter, type FloodRule } from '../world/flood-limiter.js'

/** One request as the fake Bot API received it. */
export interface BotApiRequest {
  readonly method: string
  /** The bot's id (the token before the colon). */
  readonly botId: string
  readonly payload: Readonly<Record<string, unknown>>
  /** Server time of arrival, ms. */
  readonly at: number
}

/** A scripted answer: an HTTP status and a JSON body, or raw text (a proxy's HTML error page). */
export interface BotApiReply {
  readonly status: number
  readonly body: unknown
}

/** Options of {@link startBotApiServer}. */
export interface BotApiServerOptions {
  /**
   * Flood limits, the clusters' shape, answered with 429 and `retry_after` as the Bot API does
   * (`error` is not used). `scope: 'peer'` counts per bot and chat, `'account'` per bot, `'method'`
   * for every bot together.
   */
  readonly floodRules?: readonly FloodRule[]
  /** Chat id -> the supergroup it became: calls on the old id get `migrate_to_chat_id`. */
  readonly migrations?: Readonly<Record<string, number>>
  /** Chats that do not exist ("chat not found"). */
  readonly unknownChats?: readonly (string | number)[]
  /** Users who blocked the bot ("bot was blocked by the user"). */
  readonly blockedBy?: readonly (string | number)[]
  /** Asked first for every request: return a reply to answer with it (5xx runs, proxy errors). */
  readonly script?: (request: BotApiRequest) => BotApiReply | undefined
  /** The server's clock, ms; share it with the client under test. Default `Date.now`. */
  readonly now?: () => number
}

/** Counters of what the fake Bot API saw. */
export interface BotApiServerStats {
  /** Requests received. */
  requests: number
  /** Requests that arrived while their chat's announced `retry_after` window was open. */
  violations: number
  /** 429 answers given. */
  tooManyRequests: number
  /** Requests per method. */
  byMethod: Record<string, number>
}

/** A running fake Bot API. */
export interface BotApiServer {
  /** Give it to grammY: `new Bot(token, { client: { apiRoot } })`. */
  readonly apiRoot: string
  /** Every request, in order of arrival. */
  readonly requests: readonly BotApiRequest[]
  readonly stats: BotApiServerStats
  /** Stops listening and closes idle connections. */
  close(): Promise<void>
}

/**
 * A Bot API server on loopback (node:http) for tests and benches: JSON in, JSON out, the answers
 * and error bodies of the real Bot API for flood limits (429, `retry_after`), migrated groups,
 * unknown chats and blocked users, plus whatever `script` adds. It counts requests sent into an
 * open flood window, the rule a well-behaved client never breaks.
 */
export async function startBotApiServer(options: BotApiServerOptions = {}): Promise<BotApiServer> {
  checkFloodRules('startBotApiServer', options.floodRules)
  const now = options.now ?? Date.now
  const limiter = new FloodLimiter(options.floodRules ?? [])
  const requests: BotApiRequest[] = []
  const stats: BotApiServerStats = { requests: 0, violations: 0, tooManyRequests: 0, byMethod: {} }
  let nextMessageId = 1

  function answer(request: BotApiRequest): BotApiReply {
    const scripted = options.script?.(request)
    if (scripted !== undefined) return scripted
    const chat = request.payload.chat_id
    const chatKey = chat === undefined ? undefined : String(chat)
    if (chatKey !== undefined && options.unknownChats?.some((id) => String(id) === chatKey)) {
      return error(400, 'Bad Request: chat not found')
    }
    const migratedTo = chatKey === undefined ? undefined : options.migrations?.[chatKey]
    if (migratedTo !== undefined) {
      return error(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: migratedTo,
      })
    }
    const rule = limiter.ruleFor(request.method)
    if (rule !== undefined) {
      const decision = limiter.check(rule, floodKeyOf(rule, request, chatKey), request.at)
      stats.violations = limiter.violations
      if (!decision.allowed) {
        stats.tooManyRequests++
        return error(429, `Too Many Requests: retry after ${decision.seconds}`, {
          retry_after: decision.seconds,
        })
      }
    }
    if (chatKey !== undefined && options.blockedBy?.some((id) => String(id) === chatKey)) {
      return error(403, 'Forbidden: bot was blocked by the user')
    }
    return { status: 200, body: { ok: true, result: resultOf(request) } }
  }

  function resultOf(request: BotApiRequest): unknown {
    if (request.method === 'getMe') {
      return { id: Number(request.botId), is_bot: true, first_name: 'Test', username: 'test_bot' }
    }
    if (request.method.startsWith('send') || request.method.startsWith('copy')) {
      return {
        message_id: nextMessageId++,
        date: Math.floor(now() / 1000),
        chat: { id: request.payload.chat_id, type: 'private' },
        ...(typeof request.payload.text === 'string' && { text: request.payload.text }),
      }
    }
    return true
  }

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const match = /^\/bot(\d+):[^/]+\/([A-Za-z]+)$/.exec(incoming.url ?? '')
    const text = await readBody(incoming)
    if (match === null) {
      reply(outgoing, { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } })
      return
    }
    const request: BotApiRequest = {
      botId: match[1] as string,
      method: match[2] as string,
      payload: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      at: now(),
    }
    requests.push(request)
    stats.requests++
    stats.byMethod[request.method] = (stats.byMethod[request.method] ?? 0) + 1
    reply(outgoing, answer(request))
  }

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((failure: unknown) => {
      reply(outgoing, { status: 500, body: { ok: false, error_code: 500, description: String(failure) } })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    requests,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}

/** The key a rule counts a request under: the Bot API's bot plays the account, its chat the peer. */
function floodKeyOf(rule: FloodRule, request: BotApiRequest, chatKey: string | undefined): string {
  switch (rule.scope) {
    case 'method':
      return request.method
    case 'account':
      return `${request.method}|${request.botId}`
    case 'peer':
      return `${request.method}|${request.botId}|${chatKey}`
  }
}

function error(status: number, description: string, parameters?: Record<string, number>): BotApiReply {
  return {
    status,
    body: { ok: false, error_code: status, description, ...(parameters !== undefined && { parameters }) },
  }
}

function reply(outgoing: ServerResponse, { status, body }: BotApiReply): void {
  const json = typeof body !== 'string'
  outgoing.writeHead(status, { 'content-type': json ? 'application/json' : 'text/html' })
  outgoing.end(json ? JSON.stringify(body) : body)
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    incoming.on('error', reject)
  })
}
