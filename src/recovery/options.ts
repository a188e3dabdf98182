import type { FloodError, MigrateKind } from '../error/rpc-error.js'
import type { FloodKeyCall, FloodKeyScope } from '../flood/flood-key.js'
import type { FloodStore } from '../flood/flood-store.js'
import type { Clock } from './clock.js'
import type { CatalogLookup } from './knowledge.js'
import type { Policy } from './policy.js'

/** What `send` receives for each attempt of a call. */
export interface SendRequest {
  /** The API method, e.g. `messages.sendMessage`. */
  readonly method: string
  /** The call's parameters (replaced if a repair hook returned new ones). */
  readonly params: unknown
  /** The DC to send to; `undefined` means the home connection while the home DC is not known. */
  readonly dcId: number | undefined
  /** 1 for the first send of the call, then 2, 3, ... across every repeat. */
  readonly attempt: number
  /**
   * Aborted when the call ends early (the caller's signal, the deadline, `close()`). Created when
   * first read: a transport that does not look at it does not pay for it.
   */
  readonly signal: AbortSignal
  /** The call's `context` option, as given: per-call state of the transport (an adapter's request object). */
  readonly context: unknown
}

/**
 * The transport: sends one attempt and resolves with the result, or resolves with or throws an
 * error in any shape `RpcError.from` accepts (an `RpcError`, a TL `rpc_error`, a GramJS or mtcute
 * error, a Bot API error body). Anything else it throws is a `TransportError`.
 */
export type Send = (request: SendRequest) => unknown

/** The numeric limits of a call: set per invoker, overridable per call. Milliseconds throughout. */
export interface CallLimits {
  /** The call's whole budget, every wait and retry included. `Infinity` for none. Default 60 s. */
  readonly deadlineMs: number
  /** The longest flood wait the call sleeps through; longer ones throw at once. Default 60 s. */
  readonly maxFloodWaitMs: number
  /** Most sends ending in an internal error (500, unknown codes, transport) before giving up. Default 5. */
  readonly maxAttempts: number
  /** The first backoff delay after an internal error. Default 1 s. */
  readonly baseDelayMs: number
  /** The longest backoff delay. Default 64 s. */
  readonly maxDelayMs: number
  /** Most 303 redirects followed in one call. Default 3. */
  readonly maxRedirects: number
  /** Most flood waits slept through in one call (each must also fit the budget). Default 5. */
  readonly maxFloodWaits: number
}

/** The defaults of every limit, written once. */
export const DEFAULT_LIMITS: CallLimits = Object.freeze({
  deadlineMs: 60_000,
  maxFloodWaitMs: 60_000,
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 64_000,
  maxRedirects: 3,
  maxFloodWaits: 5,
})

/**
 * The limits that apply given some overrides (an invoker's options, or one call's) over
 * `defaults`; returns `defaults` itself when nothing is overridden, so the common call allocates
 * nothing.
 */
export function limitsFor(options: Partial<CallLimits> | undefined, defaults: CallLimits): CallLimits {
  if (
    options === undefined ||
    (options.deadlineMs === undefined &&
      options.maxFloodWaitMs === undefined &&
      options.maxAttempts === undefined &&
      options.baseDelayMs === undefined &&
      options.maxDelayMs === undefined &&
      options.maxRedirects === undefined &&
      options.maxFloodWaits === undefined)
  ) {
    return defaults
  }
  return {
    deadlineMs: options.deadlineMs ?? defaults.deadlineMs,
    maxFloodWaitMs: options.maxFloodWaitMs ?? defaults.maxFloodWaitMs,
    maxAttempts: options.maxAttempts ?? defaults.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? defaults.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? defaults.maxDelayMs,
    maxRedirects: options.maxRedirects ?? defaults.maxRedirects,
    maxFloodWaits: options.maxFloodWaits ?? defaults.maxFloodWaits,
  }
}

/** Options of one call: `invoke(method, params, options)`. */
export interface CallOptions extends Partial<CallLimits> {
  /** Cancels the call: it rejects at once with the signal's reason, and its timers are released. */
  readonly signal?: AbortSignal
  /** Send this call to a DC other than home (e.g. a file DC). */
  readonly dcId?: number
  /**
   * The call this one was chained after (`invokeAfterMsg`), e.g. the promise of the earlier
   * `invoke`. On MSG_WAIT_FAILED / MSG_WAIT_TIMEOUT the call is repeated once this has fulfilled.
   */
  readonly after?: PromiseLike<unknown>
  /**
   * Turns automatic handling off per policy for this call (`{ flood: false }`, as Telegram Desktop's
   * `handleFloodErrors`): the error goes to the caller. Names: `migrate`, `auth`, `flood`, `retry`,
   * `input`, and those of custom policies.
   */
  readonly handle?: Readonly<Record<string, boolean | undefined>>
  /**
   * Anything the transport needs for this call and cannot rebuild from `method` and `params` (a
   * client library's own request object, a middleware's `next`). Handed to `send` as
   * `request.context`; the engine never reads it, so it stays out of flood keys and reports.
   */
  readonly context?: unknown
}

/** A read-only view of a call, given to hooks and key functions. */
export interface CallInfo {
  /** The API method of the call. */
  readonly method: string
  /** The call's parameters. */
  readonly params: unknown
  /** The account label of the invoker. */
  readonly account: string
  /** The DC of the call (`undefined`: the home connection, DC not known). */
  readonly dcId: number | undefined
  /** The number of the current attempt (1 for the first send). */
  readonly attempt: number
}

/** Context given to hooks. */
export interface HookContext {
  /** Aborted when the hook's result is no longer wanted (the call ended, or the invoker closed). */
  readonly signal: AbortSignal
}

/** A move of the home DC, as given to `onHomeDcChange`. */
export interface HomeDcChange {
  /** The DC before the move, when known. */
  readonly fromDcId: number | undefined
  /** The DC moved to. */
  readonly toDcId: number
  /** Which migration it is. */
  readonly kind: MigrateKind
}

/** The hooks through which the engine asks the application to do what only it can. All optional. */
export interface RecoveryHooks {
  /**
   * Makes the account's authorization valid on `dcId` (export it on home, import it there). Called
   * once per DC at a time; concurrent calls wait for the one in flight. A failure ends the calls
   * that waited for it, but never counts as a logout.
   */
  readonly authorizeOn?: (dcId: number, context: HookContext) => unknown
  /** Binds the temporary key on `dcId` (AUTH_KEY_PERM_EMPTY), then the call is repeated once. */
  readonly bindTempKey?: (dcId: number | undefined, context: HookContext) => unknown
  /** The home DC moved (USER/PHONE/NETWORK_MIGRATE): switch the main connection and session. */
  readonly onHomeDcChange?: (change: HomeDcChange, context: HookContext) => unknown
  /** Re-uploads file part `part` (FILE_PART_X_MISSING), then the call is repeated once. */
  readonly reuploadFilePart?: (part: number, call: CallInfo, context: HookContext) => unknown
  /**
   * Fetches a fresh file reference (FILE_REFERENCE_EXPIRED) and returns the call's new parameters,
   * or `undefined` to keep them; then the call is repeated once.
   */
  readonly refreshFileReference?: (call: CallInfo, context: HookContext) => unknown
}

/** Options of `createInvoker`. Only `send` is required. */
export interface InvokerOptions extends Partial<CallLimits>, RecoveryHooks {
  /** The transport. */
  readonly send: Send
  /** The policy chain; default {@link defaultPolicies}(). Order matters; see docs/recovery.md. */
  readonly policies?: readonly Policy[]
  /** A label for the account, part of every flood key, so accounts sharing a store stay apart. Default `default`. */
  readonly account?: string
  /** The home DC, when known at start; the engine follows USER/PHONE/NETWORK_MIGRATE from there. */
  readonly homeDcId?: number
  /**
   * Whether the session is known to be logged in at start (one restored from storage). Default
   * `false`: until a login succeeds (a sign-in call, or any call that needs a login, succeeding),
   * a 401 on the home DC means "not logged in yet" (`giveUpReason: 'not-authorized'`), not a dead
   * session, because every fresh client meets AUTH_KEY_UNREGISTERED before it signs in.
   */
  readonly authorized?: boolean
  /** DCs a 303 may send a call to; others go to the caller. Default 1 to 5 (production). */
  readonly knownDcIds?: readonly number[]
  /**
   * The catalogue (`lookup(template)`) that adds scopes, fields and end-user messages. Default: the
   * package's own catalogue. `false` leaves it out (built-in rules and the field pattern only), for
   * bundles that must stay small.
   */
  readonly catalog?: CatalogLookup | false
  /** Where flood windows are kept. Default: a new `MemoryFloodStore`. */
  readonly floodStore?: FloodStore
  /** Overrides what a flood error's window is counted against; `undefined` keeps the default. */
  readonly floodScopeOf?: (error: FloodError, call: CallInfo) => FloodKeyScope | undefined
  /** Builds the key of a call for a scope; default `defaultFloodKeyOf`. */
  readonly floodKeyOf?: (call: FloodKeyCall, scope: FloodKeyScope) => string
  /** The shortest flood wait, so FLOOD_WAIT_0 is a short pause rather than a busy loop. Default 1 s. */
  readonly minFloodWaitMs?: number
  /** Time source; default the global clock. */
  readonly clock?: Clock
  /** Random numbers in [0, 1) for backoff jitter; default `Math.random`. */
  readonly random?: () => number
  /**
   * How parameters are redacted in diagnostic reports: `true` (default) for `redact()`, `false` to
   * keep them as they are, or a function of your own.
   */
  readonly redact?: boolean | ((params: unknown, method: string) => unknown)
}

/** Defaults of the invoker options that are not call limits. */
export const DEFAULT_ACCOUNT = 'default'
/** The production DCs. */
export const DEFAULT_KNOWN_DC_IDS: readonly number[] = Object.freeze([1, 2, 3, 4, 5])
/** See {@link InvokerOptions.minFloodWaitMs}. */
export const DEFAULT_MIN_FLOOD_WAIT_MS = 1_000
