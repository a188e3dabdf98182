import type { FloodScope, RecommendedAction } from '../catalog/types.js'

/**
 * What the engine's policies need to know about one error type. These are policy rules the engine
 * owns (which 420s are not waits, which 401s end a session); the catalogue, injected with the
 * `catalog` option, supplies the long tail of descriptions, fields and scopes.
 */
export interface ErrorFacts {
  /** What to do about the error. */
  readonly action?: RecommendedAction
  /** For waits: what the limit is counted against. */
  readonly scope?: FloodScope
  /** For input errors: the input field concerned. */
  readonly field?: string
  /** For input errors: a sentence fit for an end user. */
  readonly userMessage?: string
  /** A fixed delay before the retry, instead of the exponential backoff. */
  readonly retryDelayMs?: number
  /** The authorization is gone for good: the key must be recreated or the user logged in again. */
  readonly sessionDead?: boolean
  /** Repeat once the call this one was chained after (`invokeAfterMsg`) has completed. */
  readonly afterDependency?: boolean
}

const DEAD: ErrorFacts = { action: 'reauthorize', sessionDead: true }
const NOT_A_WAIT: ErrorFacts = { action: 'do-not-retry' }
const WAIT: ErrorFacts = { action: 'wait' }

function input(field: string, userMessage: string): ErrorFacts {
  return { action: 'fix-input', field, userMessage }
}

/** The built-in facts, by template (or by type, for types without parameters). */
export const BUILTIN_KNOWLEDGE: Readonly<Record<string, ErrorFacts>> = {
  // 420s that are not waits: repeating after the given time would not be what the user asked for.
  FROZEN_METHOD_INVALID: NOT_A_WAIT,
  'STORY_SEND_FLOOD_WEEKLY_%d': NOT_A_WAIT,
  'STORY_SEND_FLOOD_MONTHLY_%d': NOT_A_WAIT,
  'PREMIUM_SUB_ACTIVE_UNTIL_%d': NOT_A_WAIT,
  // The caller chooses between waiting and paying; sleeping would choose for them.
  'FLOOD_WAIT_%d_OR_STARS_%d': { action: 'wait-or-pay' },
  'FLOOD_WAIT_%d': WAIT,
  'FLOOD_PREMIUM_WAIT_%d': WAIT,
  // Slow mode is a setting of one chat.
  'SLOWMODE_WAIT_%d': { action: 'wait', scope: 'peer' },
  'FLOOD_TEST_PHONE_WAIT_%d': { action: 'wait', scope: 'phone' },

  // A fixed short pause: the server says a worker is busy, not that it is failing.
  WORKER_BUSY_TOO_LONG_RETRY: { action: 'retry', retryDelayMs: 1_000 },

  // Two connections use one key at once; the key must be recreated and the user logged in again.
  AUTH_KEY_DUPLICATED: DEAD,
  SESSION_REVOKED: DEAD,
  SESSION_EXPIRED: DEAD,
  USER_DEACTIVATED: DEAD,
  USER_DEACTIVATED_BAN: DEAD,
  AUTH_KEY_INVALID: DEAD,
  // Dead on the home DC; elsewhere it only means "authorization not imported here yet".
  AUTH_KEY_UNREGISTERED: { action: 'reauthorize' },
  // Two-step verification: a step of login, never a lost session.
  SESSION_PASSWORD_NEEDED: { action: 'login-step' },

  MSG_WAIT_FAILED: { action: 'retry', afterDependency: true },
  MSG_WAIT_TIMEOUT: { action: 'retry', afterDependency: true },
  'FILE_PART_%d_MISSING': { action: 'reupload-file-part' },
  FILE_REFERENCE_EXPIRED: { action: 'refresh-file-reference' },

  FIRSTNAME_INVALID: input('first_name', 'The first name is invalid.'),
  LASTNAME_INVALID: input('last_name', 'The last name is invalid.'),
  PHONE_NUMBER_INVALID: input('phone_number', 'The phone number is invalid.'),
  PHONE_CODE_INVALID: input('phone_code', 'The code is incorrect.'),
  PHONE_CODE_EMPTY: input('phone_code', 'Enter the code you received.'),
  PHONE_CODE_EXPIRED: input('phone_code', 'The code has expired. Request a new one.'),
  PASSWORD_HASH_INVALID: input('password', 'The password is incorrect.'),
  USERNAME_INVALID: input('username', 'The username is invalid.'),
  USERNAME_OCCUPIED: input('username', 'This username is already taken.'),
  ABOUT_TOO_LONG: input('about', 'The bio is too long.'),
  MESSAGE_EMPTY: input('message', 'The message is empty.'),
  MESSAGE_TOO_LONG: input('message', 'The message is too long.'),
  EMAIL_INVALID: input('email', 'The email address is invalid.'),
}

/** `FILE_REFERENCE_3_EXPIRED` (one item of an album) has no template of its own. */
const FILE_REFERENCE_ITEM = /^FILE_REFERENCE_\d+_EXPIRED$/

/** The built-in facts for an error, by template first, then by the few type patterns known. */
export function builtinFacts(template: string | undefined, type: string | undefined): ErrorFacts | undefined {
  if (template !== undefined) {
    const facts = BUILTIN_KNOWLEDGE[template]
    if (facts !== undefined) return facts
  }
  if (type !== undefined && FILE_REFERENCE_ITEM.test(type)) return BUILTIN_KNOWLEDGE.FILE_REFERENCE_EXPIRED
  return undefined
}
