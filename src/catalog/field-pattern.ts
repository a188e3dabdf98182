import { findAction } from './actions.js'

/**
 * Suffixes the protocol uses for errors about one input field (its own examples are
 * `FIELD_NAME_INVALID` and `FIELD_NAME_EMPTY`). Longest first, so `_TOO_LONG` wins over `_LONG`
 * should a shorter one ever be added.
 */
const FIELD_SUFFIXES = [
  '_TOO_SHORT',
  '_TOO_LONG',
  '_TOO_MUCH',
  '_TOO_FEW',
  '_REQUIRED',
  '_INVALID',
  '_EMPTY',
] as const

/**
 * The input field an error type names, by the protocol's `<FIELD>_INVALID` / `<FIELD>_EMPTY`
 * pattern (also `_TOO_LONG`, `_TOO_SHORT`, `_TOO_MUCH`, `_TOO_FEW`, `_REQUIRED`): `USERNAME_INVALID`
 * gives `username`, so a form can mark the field even for a type the catalogue has never seen.
 * For a known type the catalogue's own answer wins (including "no field", for `CHAT_ADMIN_REQUIRED`).
 * With a `code` other than 400 there is no input field, and the result is `undefined`.
 */
export function fieldFromType(type: string, code?: number): string | undefined {
  if (code !== undefined && code !== 400) return undefined
  const known = findAction(type)
  if (known !== undefined) return known.action.field
  return fieldByPattern(type)
}

/** The pattern alone, without asking the catalogue. */
export function fieldByPattern(type: string): string | undefined {
  for (const suffix of FIELD_SUFFIXES) {
    if (type.length > suffix.length && type.endsWith(suffix)) {
      const field = type.slice(0, -suffix.length).toLowerCase()
      return /^[a-z][a-z0-9_]*$/.test(field) ? field : undefined
    }
  }
  return undefined
}
