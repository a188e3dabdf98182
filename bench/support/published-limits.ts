/**
 * Telegram's published bot limits as the bench's Bot API server enforces them (our reading; the
 * real server's counting is not published): at most 30 messages in any second per bot; per private
 * chat one a second with a burst of 3 tolerated (a bucket of 3 that refills at one a second); per
 * group (negative id) at most one in any second and 20 in any minute. A refused message answers 429
 * with `retry_after`, whole seconds until it would have been accepted; only accepted messages count.
 */
import type { BotApiReply, BotApiRequest } from '../../src/testkit/clients/bot-api-server.js'

/** One refusal the server gave, for the timeline. */
export interface Refusal {
  readonly at: number
  /** Which limit refused it: `bot`, `chat <id>`. */
  readonly key: string
  readonly retryAfterMs: number
  /** The request refused. */
  readonly request: BotApiRequest
}

/** "At most `most` in any `periodMs`", over the accepted times of one key. */
class SlidingWindow {
  private readonly accepted = new Map<string, number[]>()
  constructor(
    private readonly most: number,
    private readonly periodMs: number,
  ) {}

  /** How long until one more fits, ms; 0 when it fits now. */
  waitMs(key: string, at: number): number {
    const times = (this.accepted.get(key) ?? []).filter((time) => time > at - this.periodMs)
    this.accepted.set(key, times)
    if (times.length < this.most) return 0
    return (times[times.length - this.most] as number) + this.periodMs - at
  }

  take(key: string, at: number): void {
    this.accepted.get(key)?.push(at) ?? this.accepted.set(key, [at])
  }
}

/** A bucket of `capacity` that refills at `perSecond`. */
class Bucket {
  private readonly state = new Map<string, { tokens: number; at: number }>()
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {}

  private refill(key: string, at: number): { tokens: number; at: number } {
    const known = this.state.get(key) ?? { tokens: this.capacity, at }
    const tokens = Math.min(this.capacity, known.tokens + ((at - known.at) / 1000) * this.perSecond)
    const now = { tokens, at }
    this.state.set(key, now)
    return now
  }

  waitMs(key: string, at: number): number {
    const { tokens } = this.refill(key, at)
    return tokens >= 1 ? 0 : ((1 - tokens) / this.perSecond) * 1000
  }

  take(key: string, at: number): void {
    this.refill(key, at).tokens -= 1
  }
}

/** The limits, as the `script` of the testkit's Bot API server; refusals are collected. */
export function publishedLimits(): {
  script: (request: BotApiRequest) => BotApiReply | undefined
  refusals: Refusal[]
} {
  const bot = new SlidingWindow(30, 1000)
  const groupSecond = new SlidingWindow(1, 1000)
  const groupMinute = new SlidingWindow(20, 60_000)
  const privateChat = new Bucket(3, 1)
  const refusals: Refusal[] = []

  function script(request: BotApiRequest): BotApiReply | undefined {
    if (request.method !== 'sendMessage') return undefined
    const chat = Number(request.payload.chat_id)
    const chatKey = `chat ${chat}`
    const botKey = `bot ${request.botId}`
    const waits: Array<[string, number]> = [['bot', bot.waitMs(botKey, request.at)]]
    if (chat < 0) {
      waits.push([chatKey, groupSecond.waitMs(chatKey, request.at)])
      waits.push([chatKey, groupMinute.waitMs(chatKey, request.at)])
    } else {
      waits.push([chatKey, privateChat.waitMs(chatKey, request.at)])
    }
    const [key, waitMs] = waits.reduce((longest, wait) => (wait[1] > longest[1] ? wait : longest))
    if (waitMs <= 0) {
      bot.take(botKey, request.at)
      if (chat < 0) {
        groupSecond.take(chatKey, request.at)
        groupMinute.take(chatKey, request.at)
      } else {
        privateChat.take(chatKey, request.at)
      }
      return undefined
    }
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000))
    refusals.push({ at: request.at, key, retryAfterMs: retryAfter * 1000, request })
    return {
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      },
    }
  }

  return { script, refusals }
}
