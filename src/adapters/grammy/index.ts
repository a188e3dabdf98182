/**
 * The grammY adapter, for the Bot API: `bot.api.config.use(botApiTransformer({ token }))` waits out
 * 429s and remembers them per chat, repeats 5xx answers and network failures within a budget,
 * follows group-to-supergroup migrations, and `classifyBotApiError` explains the rest. Needs
 * `grammy` (a peer dependency).
 * @packageDocumentation
 */
export type { PaceLimit, PaceSlot, PaceStore } from '../../flood/pace-store.js'
export { type BotApiErrorBody, type BotApiErrorInfo, classifyBotApiError } from './bot-api-errors.js'
export {
  type BotApiTransformer,
  type BotApiTransformerOptions,
  type BotCallOptions,
  botApiTransformer,
  type TransformableApi,
} from './bot-api-transformer.js'
export {
  type BotApiLimits,
  type BotApiLimitsOption,
  botPaceLimits,
  chatKindOf,
  isBotApiOverload,
  isSendingMethod,
  messagesPosted,
  TELEGRAM_BOT_LIMITS,
} from './bot-limits.js'
export type {
  BotApiEvents,
  BotChatMigrateEvent,
  BotFloodWaitEvent,
  BotGiveUpEvent,
  BotPaceWaitEvent,
  BotRetryEvent,
} from './events.js'
export { botAccountOf, chatKeyOf, defaultMethodClassOf } from './flood-key.js'
export { PaceDeadlineError } from './pace-deadline-error.js'
