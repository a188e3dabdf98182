import type { PaceLimit } from '../../flood/pace-store.js'
import { chatKeyOf } from './flood-key.js'

/**
 * Telegram's published limits for bots, as numbers a pacer can keep. Each can be set alone in the
 * object form of `botApiTransformer({ limits })`; the rest keep Telegram's value.
 */
export interface BotApiLimits {
  /** Messages per second from the bot as a whole. Telegram: about 30. */
  readonly botPerSecond?: number
  /** Messages per second from the bot as a whole, for calls with `allow_paid_broadcast`. Telegram: up to 1000. */
  readonly paidBroadcastPerSecond?: number
  /** Messages per second into one chat of any kind, sustained. Telegram: 1. */
  readonly chatPerSecond?: number
  /** Messages that may go to one private chat back to back before the per-second pace applies. */
  readonly privateChatBurst?: number
  /** Messages per minute into one group, supergroup or channel, in any minute. Telegram: 20. */
  readonly groupPerMinute?: number
  /**
   * Of those, how many may go at the per-chat pace (one a second) before the rest are spread over
   * the minute. More keeps longer replies quick, at the price of a slower pace after them.
   */
  readonly groupBurst?: number
}

/**
 * Telegram's numbers (Bot FAQ, "My bot is hitting limits"; Bot API 7.11 for paid broadcasts). The
 * bursts are our choice: Telegram says short bursts into a private chat are tolerated, and the
 * common one is a reply of two or three messages (text, picture, keyboard), so 3 leave at once and
 * then one a second. A group's 20 a minute holds in every minute (see {@link botPaceLimits}), so a
 * burst there is paid for by slower spacing after it: with 5, a reply of 5 goes at one a second and
 * a long stream settles at 16 a minute (one per 3.9 s) instead of 20.
 */
export const TELEGRAM_BOT_LIMITS: Required<BotApiLimits> = {
  botPerSecond: 30,
  paidBroadcastPerSecond: 1000,
  chatPerSecond: 1,
  privateChatBurst: 3,
  groupPerMinute: 20,
  groupBurst: 5,
}

/**
 * Periods are kept this much longer than published. A slot is exact, but the request that takes it
 * reaches the server a little late or early (network, event loop), and a limit counted over a
 * sliding window refuses the one request that arrives a millisecond too soon: 5 % (50 ms a second,
 * 3 s a minute) absorbs that jitter for a 5 % longer broadcast.
 */
const PERIOD_MARGIN = 1.05
const SECOND_MS = 1000 * PERIOD_MARGIN

/** What `botApiTransformer({ limits })` accepts: Telegram's numbers, your own over them, or none. */
export type BotApiLimitsOption = 'telegram' | false | BotApiLimits

/** The methods that post messages into a chat, and so count against the message limits. */
const SENDING_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendAudio',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendVoice',
  'sendVideoNote',
  'sendPaidMedia',
  'sendMediaGroup',
  'sendLocation',
  'sendVenue',
  'sendContact',
  'sendPoll',
  'sendChecklist',
  'sendDice',
  'sendSticker',
  'sendInvoice',
  'sendGame',
  'sendGift',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
])

/** Whether `method` posts messages (edits, chat actions and answers to queries do not count). */
export function isSendingMethod(method: string): boolean {
  return SENDING_METHODS.has(method)
}

/**
 * How many messages a call posts: each item of an album (`media`) and each message copied or
 * forwarded in bulk (`message_ids`) is a message in the chat; anything else posts one.
 */
export function messagesPosted(method: string, params: unknown): number {
  const payload = params as { media?: unknown; message_ids?: unknown } | null | undefined
  const items =
    method === 'sendMediaGroup'
      ? payload?.media
      : method === 'copyMessages' || method === 'forwardMessages'
        ? payload?.message_ids
        : undefined
  return Array.isArray(items) && items.length > 0 ? items.length : 1
}

/**
 * The kind of chat a `chat_id` names. Negative ids are groups, supergroups and channels; a
 * `@username` can only name a channel or a supergroup in the Bot API; positive ids are users.
 */
export function chatKindOf(chat: unknown): 'private' | 'group' | undefined {
  if (typeof chat === 'number') return chat < 0 ? 'group' : 'private'
  if (typeof chat !== 'string') return undefined
  if (chat.startsWith('@') || chat.startsWith('-')) return 'group'
  return /^\d+$/.test(chat) ? 'private' : 'group'
}

/** Resolves the option to numbers, or `undefined` when pacing to known limits is off. */
export function resolveBotLimits(option: BotApiLimitsOption | undefined): Required<BotApiLimits> | undefined {
  if (option === undefined || option === false) return undefined
  const limits = option === 'telegram' ? TELEGRAM_BOT_LIMITS : { ...TELEGRAM_BOT_LIMITS, ...option }
  for (const [name, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new RangeError(
        `botApiTransformer: limits.${name} must be a positive number (got ${String(value)})`,
      )
    }
  }
  if (limits.groupBurst > limits.groupPerMinute) {
    throw new RangeError('botApiTransformer: limits.groupBurst cannot exceed limits.groupPerMinute')
  }
  return limits
}

/**
 * A limit of "at most `most` in any `periodMs`, up to `burst` at once" as a GCRA limit. GCRA lets
 * `burst` go together and then one per T, so a window of `periodMs` can see `burst - 1 + periodMs / T`
 * sends: T must be `periodMs / (most - burst + 1)` for the window to hold.
 */
function inEveryWindow(key: string, most: number, periodMs: number, burst: number): PaceLimit {
  return { key, count: most - burst + 1, periodMs: periodMs * PERIOD_MARGIN, burst }
}

/**
 * A limit counted `weight` times: an album of 10 books 10 spacings, so the sends after it wait as
 * if 10 had gone. The tolerance stays what it was in time (so an album leaves as one send would).
 */
function weighted(limit: PaceLimit, weight: number): PaceLimit {
  if (weight === 1) return limit
  return { ...limit, count: limit.count / weight, burst: 1 + (limit.burst - 1) / weight }
}

/**
 * The limits a call counts against, checked together: the bot's (or its paid-broadcast allowance)
 * and its chat's. None for methods that do not post messages, so those are never paced.
 */
export function botPaceLimits(
  limits: Required<BotApiLimits>,
  account: string,
  method: string,
  params: unknown,
): PaceLimit[] | undefined {
  if (!SENDING_METHODS.has(method)) return undefined
  const paid =
    (params as { allow_paid_broadcast?: unknown } | null | undefined)?.allow_paid_broadcast === true
  const bot: PaceLimit = paid
    ? { key: `${account}|pace|paid`, count: limits.paidBroadcastPerSecond, periodMs: SECOND_MS, burst: 1 }
    : { key: `${account}|pace|bot`, count: limits.botPerSecond, periodMs: SECOND_MS, burst: 1 }
  const weight = messagesPosted(method, params)
  const chat = (params as { chat_id?: unknown } | null | undefined)?.chat_id
  const kind = chatKindOf(chat)
  const chatKey = chatKeyOf(params)
  if (kind === undefined || chatKey === undefined) return [weighted(bot, weight)]
  const key = `${account}|pace|chat=${chatKey}`
  // One a second into any chat; a private chat tolerates a short burst, a group has its minute.
  const perSecond = {
    key,
    count: limits.chatPerSecond,
    periodMs: SECOND_MS,
    burst: kind === 'private' ? limits.privateChatBurst : 1,
  }
  const counted = [weighted(bot, weight), weighted(perSecond, weight)]
  if (kind === 'group') {
    const perMinute = inEveryWindow(`${key}|minute`, limits.groupPerMinute, 60_000, limits.groupBurst)
    counted.push(weighted(perMinute, weight))
  }
  return counted
}

/** The Bot API server answers 429 with this `retry_after` when too many requests are in flight. */
const OVERLOAD_RETRY_AFTER_MS = 60_000

/**
 * Whether a 429 reflects an overloaded Bot API server rather than a quota. The Bot API server
 * answers `retry_after: 60` when too many of a bot's requests are in flight, whatever they are; no
 * published limit on a method that does not post, or on a private chat (1 a second), explains a
 * wait that long. So: 60 s or more, and longer than the period of every limit the call counts
 * against (a group's minute can explain a 60 s wait, so there it is taken as a quota).
 */
export function isBotApiOverload(method: string, params: unknown, retryAfterMs: number): boolean {
  if (!(retryAfterMs >= OVERLOAD_RETRY_AFTER_MS)) return false
  const counted = botPaceLimits(TELEGRAM_BOT_LIMITS, 'bot', method, params) ?? []
  return counted.every((limit) => limit.periodMs < retryAfterMs)
}
