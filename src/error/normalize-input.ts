import type { ErrorCategory } from './category.js'
import { typeEnd } from './split-message.js'

/**
 * What the factory needs from any input: the wire code and message, or a type and description
 * that arrived separately.
 */
export interface NormalizedInput {
  readonly code: number
  readonly errorMessage: string
  /** Set when the source carried the type separately; then it is used as is, not re-parsed. */
  readonly type?: string | undefined
  readonly description?: string | undefined
  /**
   * Set when the code alone would pick the wrong category: the Bot API's 429 is MTProto's 420
   * flood, though 429 itself is no MTProto code (and so internal by the protocol's rule).
   */
  readonly category?: ErrorCategory
}

/** The `parameters` of a Bot API error body (`ResponseParameters` in the Bot API's own docs). */
export interface BotApiErrorParameters {
  /** 429: the seconds to wait before repeating the request. */
  readonly retry_after?: number
  /** The group became a supergroup with this chat id; repeat the request there. */
  readonly migrate_to_chat_id?: number
}

/** Input shapes accepted by `RpcError.from()` besides `(code, errorMessage)`. */
export type RpcErrorInput =
  | { readonly code: number; readonly type: string; readonly description?: string | undefined }
  | { readonly code: number; readonly errorMessage: string }
  | { readonly errorCode: number; readonly errorMessage: string }
  | { readonly error_code: number; readonly error_message: string }
  | {
      readonly ok?: false
      readonly error_code: number
      readonly description: string
      readonly parameters?: BotApiErrorParameters
    }
  | { readonly code: number; readonly text: string }

type Bag = Record<string, unknown>

function isNumber(value: unknown): value is number {
  return typeof value === 'number'
}

function isString(value: unknown): value is string {
  return typeof value === 'string'
}

/**
 * GramJS replaces the message of the errors it knows with an English sentence and keeps only the
 * number, so the type is rebuilt from the class name and that number. (It also folds
 * FLOOD_PREMIUM_WAIT into FloodWaitError; that loss happens inside GramJS and cannot be undone.)
 */
const GRAMJS_CLASSES: Readonly<Record<string, readonly [prefix: string, field: string, suffix: string]>> = {
  FloodWaitError: ['FLOOD_WAIT_', 'seconds', ''],
  SlowModeWaitError: ['SLOWMODE_WAIT_', 'seconds', ''],
  FloodTestPhoneWaitError: ['FLOOD_TEST_PHONE_WAIT_', 'seconds', ''],
  UserMigrateError: ['USER_MIGRATE_', 'newDc', ''],
  PhoneMigrateError: ['PHONE_MIGRATE_', 'newDc', ''],
  FileMigrateError: ['FILE_MIGRATE_', 'newDc', ''],
  NetworkMigrateError: ['NETWORK_MIGRATE_', 'newDc', ''],
  EmailUnconfirmedError: ['EMAIL_UNCONFIRMED_', 'codeLength', ''],
}

/**
 * mtcute rewrites `text` of parameterised errors to the template (`FLOOD_WAIT_%d`) and moves the
 * number to a field; these are the fields it uses, in the order tried.
 */
const MTCUTE_PARAM_FIELDS = ['seconds', 'newDc', 'dc', 'which', 'codeLength', 'minutes'] as const

function fromGramjsClass(bag: Bag): NormalizedInput | undefined {
  const name = (bag.constructor as { name?: unknown } | undefined)?.name
  if (!isString(name)) return undefined
  const known = GRAMJS_CLASSES[name]
  if (!known || !isNumber(bag.code)) return undefined
  const value = bag[known[1]]
  if (!isNumber(value)) return undefined
  return { code: bag.code, errorMessage: `${known[0]}${value}${known[2]}` }
}

function fromMtcuteText(code: number, text: string, bag: Bag): NormalizedInput {
  if (!text.includes('%d')) return { code, errorMessage: text }
  for (const field of MTCUTE_PARAM_FIELDS) {
    const value = bag[field]
    if (isNumber(value)) return { code, errorMessage: text.replace('%d', String(value)) }
  }
  return { code, errorMessage: text }
}

/** The HTTP reason the Bot API puts before its detail ("Bad Request: PEER_ID_INVALID"). */
const BOT_API_REASON = /^(?:Bad Request|Unauthorized|Forbidden|Not Found|Conflict|Too Many Requests): /

/**
 * A Bot API error body. Its `description` is kept whole as the message; the type comes from
 * `retry_after` for a 429 (`FLOOD_WAIT_5`, so the seconds reach `params` and the flood policies),
 * or from a detail the Bot API passed through as a bare type. A `retry_after` that is no whole
 * number of seconds is not trusted to build a type, so the grammar of types holds.
 */
function fromBotApiBody(code: number, description: string, parameters: unknown): NormalizedInput {
  const retryAfter = (parameters as { retry_after?: unknown } | null | undefined)?.retry_after
  if (code === 429 && Number.isSafeInteger(retryAfter) && (retryAfter as number) >= 0) {
    return {
      code,
      errorMessage: description,
      type: `FLOOD_WAIT_${retryAfter}`,
      description,
      category: 'FLOOD',
    }
  }
  const detail = description.replace(BOT_API_REASON, '')
  if (detail !== description && detail.length > 0 && typeEnd(detail) === detail.length) {
    return { code, errorMessage: description, type: detail, description }
  }
  return { code, errorMessage: description }
}

/**
 * Recognises the error shapes of the protocol and of the libraries users already have: TL objects
 * (`errorCode`/`errorMessage`, or `error_code`/`error_message`), our own `{ code, type,
 * description }`, GramJS's `RPCError` family, mtcute's `RpcError` and the Bot API's error body.
 * Returns `undefined` for anything else.
 */
export function normalizeInput(input: unknown): NormalizedInput | undefined {
  if (typeof input !== 'object' || input === null) return undefined
  const bag = input as Bag
  if (isNumber(bag.errorCode) && isString(bag.errorMessage)) {
    return { code: bag.errorCode, errorMessage: bag.errorMessage }
  }
  if (isNumber(bag.error_code)) {
    if (isString(bag.error_message)) return { code: bag.error_code, errorMessage: bag.error_message }
    if (isString(bag.description)) return fromBotApiBody(bag.error_code, bag.description, bag.parameters)
  }
  if (!isNumber(bag.code)) return undefined
  if (isString(bag.type)) {
    const description = isString(bag.description) && bag.description.length > 0 ? bag.description : undefined
    return {
      code: bag.code,
      errorMessage: description === undefined ? bag.type : `${bag.type}: ${description}`,
      type: bag.type,
      description,
    }
  }
  const gramjs = fromGramjsClass(bag)
  if (gramjs) return gramjs
  if (isString(bag.errorMessage)) return { code: bag.code, errorMessage: bag.errorMessage }
  if (isString(bag.text)) return fromMtcuteText(bag.code, bag.text, bag)
  return undefined
}
