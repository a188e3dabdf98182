import type { ErrorParams } from '../error/match-template.js'
import { fieldByPattern } from './field-pattern.js'
import { fieldWords } from './fill.js'
import type { ParamInfo, RecommendedAction } from './types.js'

/** What the protocol's code alone tells about an error the catalogue does not know. */
interface CodeFallback {
  readonly action: RecommendedAction
  readonly description: string
}

const BY_CODE: Readonly<Record<number, CodeFallback>> = {
  303: {
    action: 'migrate',
    description: 'The call belongs on another data centre: repeat it there (the type names the DC).',
  },
  400: {
    action: 'fix-input',
    description: 'The server rejected an argument of the call; repeating it unchanged fails the same way.',
  },
  401: {
    action: 'reauthorize',
    description: 'The authorization key is not logged in on this DC (any more): log in again.',
  },
  403: {
    action: 'do-not-retry',
    description: 'The account is not allowed to do this (rights, privacy or a ban); repeating will not help.',
  },
  404: {
    action: 'do-not-retry',
    description: 'The object or method was not found; repeating will not help.',
  },
  406: {
    action: 'do-not-retry',
    description:
      'The server refused the request and expects the app to show its reason to the user; do not repeat it.',
  },
  420: {
    action: 'do-not-retry',
    description: 'Too many calls of this kind: slow down before trying again.',
  },
  500: {
    action: 'retry',
    description: 'An internal server error: repeat after a short backoff, and report it if it persists.',
  },
  [-503]: {
    action: 'retry',
    description:
      'The server gave up waiting for an internal answer (Timeout); the call may have run, so repeat only what is safe to run twice.',
  },
  [-500]: {
    action: 'retry',
    description: 'A service message (msgs_ack, msg_resend_req, ...) was malformed or could not be served.',
  },
}

const UNLISTED: CodeFallback = {
  action: 'retry',
  description:
    'A code the protocol does not list; treated like 500: repeat with backoff and report if it persists.',
}

/**
 * The code an unknown type most likely has when the caller gave none. 400 is the default because
 * four out of five known types are 400s.
 */
export function guessCode(type: string | undefined): number {
  if (type === undefined) return 500
  if (/_MIGRATE_\d+$/.test(type)) return 303
  if (/^FLOOD_|_WAIT_\d+$/.test(type)) return 420
  if (/_FORBIDDEN$/.test(type)) return 403
  return 400
}

/** A synthesised entry for a type the catalogue does not know. */
export interface Fallback {
  readonly action: RecommendedAction
  readonly description: string
  readonly field: string | undefined
  readonly params: readonly ParamInfo[]
  readonly values: ErrorParams
}

const TRAILING_NUMBER_RE = /_(\d+)$/

/**
 * Builds the best answer the protocol allows for an unknown type: the action of its category, the
 * field by the `<FIELD>_INVALID` pattern for a 400, and, for a 420 or 303 that ends in a number,
 * that number read as the seconds to wait or the DC to use (the shape every known one has).
 */
export function fallbackFor(type: string | undefined, code: number): Fallback {
  const base = BY_CODE[code] ?? UNLISTED
  const trailing = type === undefined ? undefined : TRAILING_NUMBER_RE.exec(type)?.[1]
  if (code === 420 && trailing !== undefined) {
    return {
      action: 'wait',
      description: 'An unknown flood wait: wait {seconds} seconds before repeating the call.',
      field: undefined,
      params: [{ name: 'seconds', unit: 'seconds', meaning: 'seconds to wait (read from the type)' }],
      values: { seconds: Number(trailing) },
    }
  }
  if (code === 303 && trailing !== undefined) {
    return {
      action: 'migrate',
      description: 'An unknown migration: repeat the call on DC {dcId}.',
      field: undefined,
      params: [{ name: 'dcId', unit: 'dc', meaning: 'the data centre to use (read from the type)' }],
      values: { dcId: Number(trailing) },
    }
  }
  const field = code === 400 && type !== undefined ? fieldByPattern(type) : undefined
  if (field !== undefined) {
    return {
      action: 'fix-input',
      description: `The server rejected the ${fieldWords(field)} argument of the call; fix that value and call again.`,
      field,
      params: [],
      values: {},
    }
  }
  return { ...base, field: undefined, params: [], values: {} }
}
