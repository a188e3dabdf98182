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
}

/** Input shapes accepted by `RpcError.from()` besides `(code, errorMessage)`. */
export type RpcErrorInput =
  | { readonly code: number; readonly type: string; readonly description?: string | undefined }
  | { readonly code: number; readonly errorMessage: string }
  | { readonly errorCode: number; readonly errorMessage: string }
  | { readonly error_code: number; readonly error_message: string }
  | { readonly error_code: number; readonly description: string }
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
    if (isString(bag.description)) return { code: bag.error_code, errorMessage: bag.description }
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
