/*
 * Per-call options and limits: what `invoke(method, params, options)` takes, and the read-only view
 * of a call given to hooks and key functions. Invoker-wide options live in options.ts.
 */

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
  /**
   * Most flood waits slept through in one call (each must also fit the budget). Default 5. Not
   * applied to paced calls: a call waiting its turn is bounded by its deadline instead.
   */
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
  /**
   * On a paced key, interactive calls (the default: a reply a user waits for) take the next slots
   * before bulk ones (a broadcast).
   */
  readonly priority?: 'interactive' | 'bulk'
  /**
   * `false` sends this call without waiting for a turn on a paced key or in slow start (windows the
   * server announced are still honoured). Default: paced when the invoker paces.
   */
  readonly pace?: boolean
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
