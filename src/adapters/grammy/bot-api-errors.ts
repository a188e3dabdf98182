import { lookup } from '../../catalog/entries.js'
import type { CatalogEntry, RecommendedAction } from '../../catalog/types.js'
import { categoryOf, type ErrorCategory } from '../../error/category.js'
import { readSafely } from '../../error/foreign-value.js'
import { RpcError } from '../../error/rpc-error.js'
import { floodWaitSecondsOf } from '../../recovery/flood-wait-type.js'

/** An error answer of the Bot API, as it arrives (`ok: false`). */
export interface BotApiErrorBody {
  readonly ok?: false
  readonly error_code: number
  readonly description: string
  readonly parameters?: {
    readonly retry_after?: number
    readonly migrate_to_chat_id?: number
  }
}

/** What {@link classifyBotApiError} knows about a Bot API error. */
export interface BotApiErrorInfo {
  /** `error_code` as received (400, 403, 429, 502, ...). */
  readonly code: number
  /** `description` as received; shown, never used for logic beyond this classification. */
  readonly description: string
  /** The category of the MTProto error behind it: 429 is `FLOOD`; other codes as in MTProto. */
  readonly category: ErrorCategory
  /**
   * The MTProto error type this answer stands for (`CHAT_ID_INVALID` for "chat not found",
   * `FLOOD_WAIT_35` for a 429), when known: the key into the catalogue.
   */
  readonly type: string | undefined
  /** What to do about it. */
  readonly action: RecommendedAction
  /** 429: how long to wait, ms (`parameters.retry_after` in seconds). */
  readonly retryAfterMs?: number
  /** The group became a supergroup: its new chat id (`parameters.migrate_to_chat_id`). */
  readonly migrateToChatId?: number
  /** The Bot API parameter to fix (`chat_id`, `text`, `message_id`, ...). */
  readonly field?: string
  /** A sentence fit to show the end user. */
  readonly userMessage?: string
  /** The catalogue's entry for `type`, when it has one. */
  readonly catalogEntry?: CatalogEntry
}

/** One known description (after its "Bad Request: " prefix): what it means in MTProto terms. */
interface Known {
  readonly match: RegExp
  /** The MTProto type it stands for; absent for answers the Bot API makes up itself. */
  readonly type?: string
  /** The Bot API parameter concerned. */
  readonly field?: string
  /** For answers without a catalogue entry. */
  readonly action?: RecommendedAction
  readonly userMessage?: string
}

/**
 * The Bot API's most common error descriptions. The Bot API rewrites most MTProto errors into
 * sentences; these map them back to the type, so the catalogue's advice and end-user message apply.
 * Descriptions it passes through as a bare type (`Bad Request: PEER_ID_INVALID`) need no entry.
 */
const KNOWN: readonly Known[] = [
  { match: /^chat not found$/i, type: 'CHAT_ID_INVALID', field: 'chat_id' },
  { match: /^user not found$/i, type: 'USER_ID_INVALID', field: 'user_id' },
  { match: /^bot was blocked by the user$/i, type: 'USER_IS_BLOCKED' },
  { match: /^user is deactivated$/i, type: 'INPUT_USER_DEACTIVATED' },
  { match: /^bot was kicked from the (super)?group chat$/i, type: 'CHAT_FORBIDDEN' },
  { match: /^bot is not a member of the (channel|supergroup) chat$/i, type: 'CHAT_FORBIDDEN' },
  { match: /^bot can't send messages to bots$/i, type: 'USER_IS_BOT' },
  { match: /^not enough rights to send/i, type: 'CHAT_WRITE_FORBIDDEN' },
  { match: /^(need administrator rights|not enough rights)/i, type: 'CHAT_ADMIN_REQUIRED' },
  { match: /^message is not modified/i, type: 'MESSAGE_NOT_MODIFIED' },
  { match: /^message text is empty$/i, type: 'MESSAGE_EMPTY', field: 'text' },
  { match: /^message is too long$/i, type: 'MESSAGE_TOO_LONG', field: 'text' },
  {
    match: /^message to (edit|delete|forward|copy) not found$/i,
    type: 'MESSAGE_ID_INVALID',
    field: 'message_id',
  },
  { match: /^message can't be (edited|deleted)/i, type: 'MESSAGE_DELETE_FORBIDDEN', field: 'message_id' },
  {
    match: /^message to (be )?repl(y|ied) not found$/i,
    type: 'REPLY_MESSAGE_ID_INVALID',
    field: 'reply_parameters',
  },
  { match: /^query is too old/i, type: 'QUERY_ID_INVALID' },
  {
    match: /^bot can't initiate conversation with a user$/i,
    action: 'do-not-retry',
    userMessage: 'Open the bot and press Start first, then try again.',
  },
  {
    match: /^can't parse entities/i,
    field: 'parse_mode',
    action: 'fix-input',
    userMessage: "The formatting of this message isn't valid.",
  },
  {
    match: /^group chat was upgraded to a supergroup chat$/i,
    action: 'migrate',
  },
]

/** HTTP reason phrases the Bot API puts before the detail ("Bad Request: chat not found"). */
const PREFIX = /^(Bad Request|Forbidden|Unauthorized|Not Found|Conflict|Too Many Requests)(: |$)/

/** What the Bot API answers that no table entry covers, by code. */
function actionOfCode(code: number): RecommendedAction {
  if (code === 429) return 'wait'
  if (code >= 500) return 'retry'
  if (code === 401) return 'reauthorize'
  if (code === 400) return 'fix-input'
  return 'do-not-retry'
}

function isBody(value: unknown): value is BotApiErrorBody {
  const bag = value as { error_code?: unknown; description?: unknown } | null
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof bag?.error_code === 'number' &&
    typeof bag.description === 'string'
  )
}

/**
 * Classifies an error of the Bot API: a grammY `GrammyError`, or the `{ ok: false, error_code,
 * description, parameters }` body. Returns `undefined` for anything else (a network failure is not
 * an answer of the Bot API). Pure and cheap: call it in your `catch`.
 */
export function classifyBotApiError(value: unknown): BotApiErrorInfo | undefined {
  // A value whose reading throws (a Proxy's trap, a getter) is no answer of the Bot API either.
  return readSafely(() => classifyBody(value))
}

function classifyBody(value: unknown): BotApiErrorInfo | undefined {
  if (!isBody(value)) return undefined
  const { error_code: code, description, parameters } = value
  const detail = description.replace(PREFIX, '')
  const retryAfter = floodWaitSecondsOf(parameters?.retry_after)
  const migrateTo = parameters?.migrate_to_chat_id
  const known = KNOWN.find((entry) => entry.match.test(detail))
  const type =
    code === 429 && retryAfter !== undefined
      ? `FLOOD_WAIT_${retryAfter}`
      : (known?.type ?? (/^[A-Z][A-Z0-9_]*$/.test(detail) ? detail : undefined))
  // The catalogue is keyed by MTProto types and codes: a 429 is the Bot API's 420.
  const rpc = type === undefined ? undefined : RpcError.from({ code: code === 429 ? 420 : code, type })
  const catalogEntry = rpc?.template === undefined ? undefined : lookup(rpc.template)
  const field = known?.field ?? catalogEntry?.field
  const userMessage = known?.userMessage ?? catalogEntry?.userMessage
  return {
    code,
    description,
    category: code === 429 ? 'FLOOD' : categoryOf(code),
    type,
    action:
      migrateTo !== undefined ? 'migrate' : (known?.action ?? catalogEntry?.action ?? actionOfCode(code)),
    ...(retryAfter !== undefined && { retryAfterMs: retryAfter * 1000 }),
    ...(migrateTo !== undefined && { migrateToChatId: migrateTo }),
    ...(field !== undefined && { field }),
    ...(userMessage !== undefined && { userMessage }),
    ...(catalogEntry !== undefined && { catalogEntry }),
  }
}
