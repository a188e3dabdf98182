import { categoryOf } from '../error/category.js'
import { lookup } from './entries.js'
import { fallbackFor, guessCode } from './fallback.js'
import { fieldWords, fillPlaceholders } from './fill.js'
import { ENGLISH_FALLBACKS } from './messages-en.js'
import { type ResolvedInput, resolveInput } from './resolve-input.js'

/**
 * End-user messages of one language, keyed by template (`PHONE_NUMBER_INVALID`,
 * `FLOOD_WAIT_%d`, with `{seconds}`-style placeholders for parameters) and by the fallback keys
 * `@field` (`{field}` is the field in words), `@<CATEGORY>` (`@FLOOD`, `@BAD_REQUEST`, ...) and
 * `@default`.
 */
export type LocaleMessages = Readonly<Record<string, string>>

const locales = new Map<string, Record<string, string>>()

/** BCP 47 tags are case-insensitive; `pt_BR` is a common spelling of `pt-BR`. */
function normalise(locale: string): string {
  return locale.trim().toLowerCase().replace(/_/g, '-')
}

/**
 * Adds (or overrides) end-user messages for a language. Later calls for the same locale merge into
 * earlier ones, so messages can be registered in parts; registering `en` overrides the built-in
 * English. Example: `registerLocale('de', { PHONE_NUMBER_INVALID: 'Diese Nummer ist ungültig.' })`.
 */
export function registerLocale(locale: string, messages: LocaleMessages): void {
  const key = normalise(locale)
  const table = locales.get(key) ?? {}
  for (const [name, text] of Object.entries(messages)) if (typeof text === 'string') table[name] = text
  locales.set(key, table)
}

/** `pt-BR` is tried as `pt-BR`, then `pt`, then English. */
function chain(locale: string): string[] {
  const parts = normalise(locale).split('-')
  const tags: string[] = []
  for (let n = parts.length; n > 0; n--) tags.push(parts.slice(0, n).join('-'))
  if (!tags.includes('en')) tags.push('en')
  return tags
}

function messageIn(tag: string, resolved: ResolvedInput, code: number | undefined): string | undefined {
  const table = locales.get(tag)
  const english = tag === 'en'
  const values: Record<string, number | string> = { ...resolved.values }
  const keys = [resolved.template, resolved.type].filter((k): k is string => k !== undefined)
  for (const key of keys) {
    const text = table?.[key] ?? (english ? lookup(key)?.userMessage : undefined)
    if (text !== undefined) return fillPlaceholders(text, values)
  }
  const known = resolved.template === undefined ? undefined : lookup(resolved.template)
  const field = known ? known.field : code === undefined ? undefined : fallbackFor(resolved.type, code).field
  const generic = (key: string) => table?.[key] ?? (english ? ENGLISH_FALLBACKS[key] : undefined)
  if (field !== undefined) {
    const text = generic('@field')
    if (text !== undefined) return fillPlaceholders(text, { ...values, field: fieldWords(field) })
  }
  const text = (code === undefined ? undefined : generic(`@${categoryOf(code)}`)) ?? generic('@default')
  return text === undefined ? undefined : fillPlaceholders(text, values)
}

/** The message for an already resolved input; shared with `explain()`. */
export function userMessageOf(resolved: ResolvedInput, locale: string): string {
  const known = resolved.template === undefined ? undefined : lookup(resolved.template)
  // With neither a code nor a type there is no category to speak of: the generic sentence fits.
  const code =
    resolved.code ?? known?.codes[0] ?? (resolved.type === undefined ? undefined : guessCode(resolved.type))
  for (const tag of chain(locale)) {
    const text = messageIn(tag, resolved, code)
    if (text !== undefined) return text
  }
  return ENGLISH_FALLBACKS['@default'] as string
}

/**
 * A sentence fit to show an end user for an error, a message (`FLOOD_WAIT_30`) or a template, in
 * `locale` (default English) with parameters filled in. Falls back from `pt-BR` to `pt` to English,
 * and from the type's own message to the field, the category and a generic sentence, so it always
 * returns text, never the raw type.
 */
export function userMessageFor(errorOrName: unknown, locale = 'en'): string {
  try {
    return userMessageOf(resolveInput(errorOrName), locale)
  } catch {
    return ENGLISH_FALLBACKS['@default'] as string
  }
}
