import type { FloodError } from '../error/rpc-error.js'
import type { FloodKeyCall, FloodKeyScope } from '../flood/flood-key.js'
import type { FloodStore } from '../flood/flood-store.js'
import type { PaceStore } from '../flood/pace-store.js'
import type { CallInfo, CallLimits } from './call-options.js'
import type { Clock } from './clock.js'
import type { RecoveryHooks } from './hooks.js'
import type { CatalogLookup } from './knowledge.js'
import type { PacingOptions } from './pacing-options.js'
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
 * error, a Bot API error body). Anything else it throws is a `NetworkError`.
 */
export type Send = (request: SendRequest) => unknown

/** Options of `createInvoker`. Only `send` is required. */
export interface InvokerOptions extends Partial<CallLimits>, RecoveryHooks {
  /** The transport. */
  readonly send: Send
  /** The policy chain; default `defaultPolicies()`. Order matters; see docs/recovery.md. */
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
  /**
   * Pacing: after a refusal, calls on that flood key leave at the pace the refusal taught, a probe
   * first; methods known to meet flood limits start a burst in slow start. `true` (default) or
   * tuning; `false` turns it off (windows the server announced are still honoured).
   */
  readonly pacing?: boolean | PacingOptions
  /**
   * Where paced slots are booked. Default: the flood store when it also books slots (the Redis
   * store does, so a fleet shares one pace per key), else one in memory.
   */
  readonly paceStore?: PaceStore
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
