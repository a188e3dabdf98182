import type { ErrorCategory } from '../error/category.js'
import type { ErrorParams } from '../error/match-template.js'

/**
 * What a client should do about an error. One value per entry; the recovery engine's policies
 * key off it, and `explain()` prints it.
 */
export type RecommendedAction =
  /** Wait `params.seconds` (or the entry's own parameter), then repeat. */
  | 'wait'
  /** The caller chooses: wait `params.seconds` or pay `params.stars` (FLOOD_WAIT_X_OR_STARS_Y). */
  | 'wait-or-pay'
  /** Repeat the call on DC `params.dcId`. */
  | 'migrate'
  /** The authorization is gone: log in again. */
  | 'reauthorize'
  /** A step of the login flow (SESSION_PASSWORD_NEEDED): ask the user, then continue. */
  | 'login-step'
  /** The input is wrong: fix the field, then call again. */
  | 'fix-input'
  /** Fetch a fresh file reference, then repeat. */
  | 'refresh-file-reference'
  /** Upload the missing file part `params.part`, then repeat. */
  | 'reupload-file-part'
  /** Transient server trouble: repeat with backoff. */
  | 'retry'
  /** Repeating cannot help (forbidden, not found, a limit reached). */
  | 'do-not-retry'
  /** A server-side failure worth reporting to Telegram's developers. */
  | 'report'

/** What a flood-type limit is counted against, so a wait is remembered under the right key. */
export type FloodScope = 'account' | 'peer' | 'phone' | 'method'

/** One numeric parameter of a template. */
export interface ParamInfo {
  /** Name in `RpcError.params` (`seconds`, `dcId`, `part`, ...). */
  readonly name: string
  /** What the number means, in plain words. */
  readonly meaning: string
  /** Unit of the number, when it has one (`seconds`, `minutes`, `unix-time`, `dc`, `part`, `stars`, `count`). */
  readonly unit?: string
}

/** One known error type of the Telegram API. */
export interface CatalogEntry {
  /** Template (`FLOOD_WAIT_%d`) or plain type name (`PHONE_NUMBER_INVALID`). */
  readonly name: string
  /** Every code the type has been seen with; the first is the usual one. */
  readonly codes: readonly number[]
  readonly params: readonly ParamInfo[]
  /** One line for developers, in our own words. */
  readonly description: string
  readonly action: RecommendedAction
  /** For flood-type errors: what the limit is counted against. */
  readonly scope?: FloodScope
  /** For input errors: the input field concerned (`first_name`, `phone_number`). */
  readonly field?: string
  /** For input errors: a short sentence fit to show an end user (English). */
  readonly userMessage?: string
  /** Methods known to return this type. */
  readonly methods: readonly string[]
}

/** The answer of `explain()`: an entry (known or synthesised) with the concrete values filled in. */
export interface Explanation extends CatalogEntry {
  /** Whether the catalogue knows this type; `false` means a fallback built from the category. */
  readonly known: boolean
  readonly category: ErrorCategory
  /** The concrete code (from the error, the argument, or the entry's first code). */
  readonly code: number
  /** The concrete type (`FLOOD_WAIT_30`), when there is one. */
  readonly type: string | undefined
  /** The parameter values of the concrete type (`{ seconds: 30 }`). */
  readonly values: ErrorParams
  /** `description` with the values filled in, e.g. "... wait 30 seconds ...". */
  readonly summary: string
}
