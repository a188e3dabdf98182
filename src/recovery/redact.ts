/** Options of {@link redact}. */
export interface RedactOptions {
  /** The API method; inside `auth.*` and `account.*` calls a plain `hash` is a secret too. */
  readonly method?: string
  /** More parameter names to hide, compared without case, `_` or `-` (`phoneNumber` = `phone_number`). */
  readonly keys?: readonly string[]
}

/** What a hidden value is replaced with. */
export const REDACTED = '[redacted]'

/**
 * Parameter names whose values are secret or personal, normalised (lower case, no `_` or `-`):
 * phone numbers, login and email codes, passwords and every SRP field, keys, tokens, api_hash,
 * payment credentials.
 */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  'phone',
  'phonenumber',
  'phonecode',
  'phonecodehash',
  'code',
  'emailcode',
  'email',
  'password',
  'currentpassword',
  'newpassword',
  'newpasswordhash',
  'passwordhash',
  'tmppassword',
  'srpid',
  'srpb',
  'newsettings',
  'newsecuresettings',
  'securesecret',
  'secret',
  'authkey',
  'tempauthkey',
  'permauthkey',
  'encryptedmessage',
  'bytes',
  'token',
  'bottoken',
  'botauthtoken',
  'apihash',
  'credentials',
  'paymentcredentials',
])

/** SRP proof fields; matched with their exact case, since `a` alone is too common a name. */
const SRP_KEYS: ReadonlySet<string> = new Set(['A', 'M1'])

/** Duplicates GramJS keeps on every TL object; they would only double the report. */
const NOISE_KEYS: ReadonlySet<string> = new Set([
  'originalArgs',
  'CONSTRUCTOR_ID',
  'SUBCLASS_OF_ID',
  'classType',
])

const MAX_DEPTH = 6
const MAX_ITEMS = 20
const MAX_KEYS = 50
const MAX_STRING = 256
/** Pattern matching looks at no more of a string than this (the rest is cut anyway). */
const MAX_SCANNED = 1_024
const MAX_NODES = 1_000

const BOT_TOKEN = /\d{5,}:[A-Za-z0-9_-]{30,}/g
const PLUS_PHONE = /\+\d[\d\s().-]{5,20}\d/g
const WHOLE_PHONE = /^\d[\d\s().-]{5,20}\d$/

/**
 * A copy of `value` fit for a report or a log: secrets replaced by `[redacted]`, byte arrays by
 * their length, phone numbers and bot tokens found inside strings masked, `bigint`s as strings, and
 * everything bounded (depth, items, keys, string length), so the result is always small and
 * JSON-serialisable.
 */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  const extra = new Set((options.keys ?? []).map(normalizeKey))
  const authContext = options.method !== undefined && /^(auth|account)\./.test(options.method)
  const budget = { nodes: MAX_NODES }
  const isSecret = (key: string): boolean => {
    if (SRP_KEYS.has(key)) return true
    const normalized = normalizeKey(key)
    return SECRET_KEYS.has(normalized) || extra.has(normalized) || (authContext && normalized === 'hash')
  }
  return copy(value, 0, budget, isSecret)
}

function normalizeKey(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase()
}

function copy(
  value: unknown,
  depth: number,
  budget: { nodes: number },
  isSecret: (key: string) => boolean,
): unknown {
  if (--budget.nodes < 0) return '[…]'
  switch (typeof value) {
    case 'string':
      return redactString(value)
    case 'bigint':
      return value.toString()
    case 'function':
    case 'symbol':
      return undefined
    case 'object':
      break
    default:
      return value
  }
  if (value === null) return null
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`
  if (value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  if (depth >= MAX_DEPTH) return '[…]'
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => copy(item, depth + 1, budget, isSecret))
    if (value.length > MAX_ITEMS) items.push(`[… ${value.length - MAX_ITEMS} more]`)
    return items
  }
  const out: Record<string, unknown> = {}
  const keys = Object.keys(value)
  let kept = 0
  for (const key of keys) {
    if (NOISE_KEYS.has(key)) continue
    if (kept === MAX_KEYS) {
      out['…'] = `${keys.length - kept} more keys`
      break
    }
    const field = (value as Record<string, unknown>)[key]
    if (typeof field === 'function') continue
    out[key] =
      isSecret(key) && field !== undefined && field !== null
        ? REDACTED
        : copy(field, depth + 1, budget, isSecret)
    kept++
  }
  return out
}

/** Masks before cutting, so a secret that straddles the cut cannot leave a readable half. */
function redactString(text: string): string {
  if (WHOLE_PHONE.test(text) && looksLikePhone(text)) return '[phone]'
  const head = text.length > MAX_SCANNED ? text.slice(0, MAX_SCANNED) : text
  const masked = head
    .replace(BOT_TOKEN, '[bot-token]')
    .replace(PLUS_PHONE, (match) => (looksLikePhone(match) ? '[phone]' : match))
  return masked.length > MAX_STRING || text.length > head.length
    ? `${masked.slice(0, MAX_STRING)}… (${text.length} characters)`
    : masked
}

/** E.164 numbers have 7 to 15 digits. */
function looksLikePhone(text: string): boolean {
  const digits = text.replace(/\D/g, '').length
  return digits >= 7 && digits <= 15
}
