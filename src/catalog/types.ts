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

/**
 * What a flood-type limit is counted against, so a wait is remembered under the right key:
 * `account` (everything the account does, whatever the method), `method` (this account calling
 * this method), `peer` (this account acting on this chat or user), `phone` (the phone number
 * being logged in or registered, whatever the account).
 */
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
  /** One line for developers, in our own words; `{seconds}` marks where a parameter's value goes. */
  readonly description: string
  readonly action: RecommendedAction
  /** For flood-type errors: what the limit is counted against. */
  readonly scope?: FloodScope
  /** For input errors: the input field concerned (`first_name`, `phone_number`). */
  readonly field?: string
  /**
   * A short sentence fit to show an end user (English), required for input errors. Other languages
   * come from `registerLocale()`; `userMessageFor()` picks one.
   */
  readonly userMessage?: string
  /** Methods known to return this type; empty when {@link CatalogEntry.anyMethod} is set. */
  readonly methods: readonly string[]
  /** Set when any call can return this type (`AUTH_KEY_UNREGISTERED`), so no method list is kept. */
  readonly anyMethod?: boolean
}

/**
 * The light facts of an entry, without prose: what a recovery policy needs. Importing only these
 * (through `actionOf`) keeps descriptions and user messages out of a bundle.
 */
export interface CatalogAction {
  /** Template (`FLOOD_WAIT_%d`) or plain type name. */
  readonly name: string
  /** Every code the type has been seen with; the first is the usual one. */
  readonly codes: readonly number[]
  readonly action: RecommendedAction
  /** For flood-type errors: what the limit is counted against. */
  readonly scope?: FloodScope
  /** For input errors: the input field concerned. */
  readonly field?: string
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

/** What `searchCatalog()` filters on; every given filter must match. */
export interface CatalogQuery {
  /** Only entries seen with this code. */
  readonly code?: number
  /** Words that must all occur (case-insensitive) in the name, field, description or user message. */
  readonly search?: string
  /** Only entries known to be returned by this method (`messages.sendMessage`), or by any method. */
  readonly method?: string
}
