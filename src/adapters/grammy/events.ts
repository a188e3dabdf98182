import type { AttemptRecord } from '../../recovery/attempt.js'
import type { StoreErrorEvent } from '../../recovery/events.js'
import type { GiveUpReason } from '../../recovery/recovery-details.js'
import type { BotApiErrorInfo } from './bot-api-errors.js'

/** A 429 was answered (`fromStore: false`), or a call met a window recorded earlier (`fromStore: true`). */
export interface BotFloodWaitEvent {
  /** The Bot API method (`sendMessage`). */
  readonly method: string
  /** The call's `chat_id`, when it has one (unknown for a window found extended after a wait). */
  readonly chatId: unknown
  /** The flood key the window is kept under. */
  readonly key: string
  /** How long the window still lasts, ms. */
  readonly waitMs: number
  /** When the window ends, epoch ms. */
  readonly retryAt: number
  /** Whether the call waits for it (`false`: the 429 goes to the caller at once). */
  readonly willWait: boolean
  /** The call was not sent: the window was already known. */
  readonly fromStore: boolean
  /**
   * The wait looks like the Bot API server's own overload answer, not a quota: 60 s or more, and
   * longer than the period of every published limit the call counts against (see
   * `isBotApiOverload`). Waited out all the same, but not evidence of a rate.
   */
  readonly overloaded: boolean
}

/** A message waits for its slot under the bot's and the chat's limits (`limits` option). */
export interface BotPaceWaitEvent {
  /** The Bot API method. */
  readonly method: string
  /** The call's `chat_id`, when it has one. */
  readonly chatId: unknown
  /** The pace keys the slot was booked under (bot, chat). */
  readonly keys: readonly string[]
  /** How long the call waits for its slot, ms. */
  readonly delayMs: number
}

/** A call is about to be repeated after a 5xx or a network failure. */
export interface BotRetryEvent {
  /** The Bot API method. */
  readonly method: string
  /** The call's `chat_id`, when it has one. */
  readonly chatId: unknown
  /** The number of the attempt that failed. */
  readonly attempt: number
  /** The delay before the repeat, ms. */
  readonly delayMs: number
  /** The Bot API's answer, classified, or what the network threw. */
  readonly error: BotApiErrorInfo | unknown
}

/** A group became a supergroup: the call was repeated on the new chat. */
export interface BotChatMigrateEvent {
  /** The Bot API method. */
  readonly method: string
  /** The chat id the call was made with. */
  readonly fromChatId: unknown
  /** The supergroup's id (`migrate_to_chat_id`): use it from now on. */
  readonly toChatId: number
}

/** A call failed for good (aborts excepted). */
export interface BotGiveUpEvent {
  /** The Bot API method. */
  readonly method: string
  /** The call's `chat_id`, when it has one. */
  readonly chatId: unknown
  /** Why the transformer stopped trying. */
  readonly reason: GiveUpReason
  /** The Bot API's last answer, classified, or what failed otherwise. */
  readonly error: BotApiErrorInfo | unknown
  /** Every failed attempt. */
  readonly attempts: readonly AttemptRecord[]
}

/** Every event of {@link botApiTransformer}, by name. */
export interface BotApiEvents {
  /** See {@link BotFloodWaitEvent}. */
  floodWait: BotFloodWaitEvent
  /** See {@link BotRetryEvent}. */
  retry: BotRetryEvent
  /** See {@link BotChatMigrateEvent}. */
  chatMigrate: BotChatMigrateEvent
  /** See {@link BotGiveUpEvent}. */
  giveUp: BotGiveUpEvent
  /** See {@link BotPaceWaitEvent}. */
  paceWait: BotPaceWaitEvent
  /** The flood or pace store failed; a slot then came from this process alone (see `StoreErrorEvent`). */
  storeError: StoreErrorEvent
}
