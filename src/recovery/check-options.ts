import type { CallLimits, CallOptions } from './call-options.js'
import {
  checkArray,
  checkBoolean,
  checkFunction,
  checkNumber,
  checkObject,
  checkOneOf,
  checkOptionsBag,
  checkString,
  type NumberRule,
} from './check-option.js'
import type { InvokerOptions } from './options.js'

/** A duration: 0 or more ms, `Infinity` for "no limit". */
export const DURATION_MS: NumberRule = { min: 0 }
/** A duration that must end: 0 or more ms, finite. */
export const FINITE_DURATION_MS: NumberRule = { min: 0, max: Number.MAX_SAFE_INTEGER }
/** A count: a whole number, 0 or more, `Infinity` for "no limit". */
export const COUNT: NumberRule = { min: 0, integer: true }
/** A DC id: a positive whole number (test DCs have large ones). */
export const DC_ID: NumberRule = { min: 1, max: 2 ** 31 - 1, integer: true }

const MAX_ATTEMPTS: NumberRule = { min: 1, integer: true }

/**
 * Checks the call limits present in `options` (an invoker's, an adapter's or one call's). Runs for
 * every call that has options, so it reads each property by name (a keyed loop over the names
 * doubled the cost of an instant call) and does nothing more for an absent one.
 */
export function checkLimits(owner: string, options: Partial<Record<keyof CallLimits, unknown>>): void {
  const { deadlineMs, maxFloodWaitMs, maxAttempts, baseDelayMs, maxDelayMs, maxRedirects, maxFloodWaits } =
    options
  if (deadlineMs !== undefined) checkNumber(owner, 'deadlineMs', deadlineMs, DURATION_MS)
  if (maxFloodWaitMs !== undefined) checkNumber(owner, 'maxFloodWaitMs', maxFloodWaitMs, DURATION_MS)
  if (maxAttempts !== undefined) checkNumber(owner, 'maxAttempts', maxAttempts, MAX_ATTEMPTS)
  if (baseDelayMs !== undefined) checkNumber(owner, 'baseDelayMs', baseDelayMs, FINITE_DURATION_MS)
  if (maxDelayMs !== undefined) checkNumber(owner, 'maxDelayMs', maxDelayMs, DURATION_MS)
  if (maxRedirects !== undefined) checkNumber(owner, 'maxRedirects', maxRedirects, COUNT)
  if (maxFloodWaits !== undefined) checkNumber(owner, 'maxFloodWaits', maxFloodWaits, COUNT)
}

const HOOKS = [
  'authorizeOn',
  'bindTempKey',
  'onHomeDcChange',
  'reuploadFilePart',
  'refreshFileReference',
] as const

/**
 * Checks the options of `createInvoker` once, so a bad value fails there and not at some call.
 * Adapters that build the invoker themselves check first, under their own name, without `send`
 * (they supply it) and with the bag optional (they have defaults for everything).
 */
export function checkInvokerOptions(
  options: Partial<InvokerOptions> | undefined,
  owner = 'createInvoker',
  needsSend = true,
): void {
  checkOptionsBag(owner, options, !needsSend)
  if (options === undefined) return
  if (needsSend && typeof options.send !== 'function') {
    throw new TypeError(`${owner}: send must be a function (the transport)`)
  }
  checkLimits(owner, options)
  checkArray(owner, 'policies', options.policies, (o, n, policy) => checkObject(o, n, policy))
  checkString(owner, 'account', options.account, true)
  checkNumber(owner, 'homeDcId', options.homeDcId, DC_ID)
  checkArray(owner, 'knownDcIds', options.knownDcIds, (o, n, id) =>
    checkNumber(o, n, id, { ...DC_ID, required: true }),
  )
  if (options.catalog !== false) checkObject(owner, 'catalog', options.catalog, ['lookup'])
  checkObject(owner, 'floodStore', options.floodStore, ['get', 'record'])
  checkFunction(owner, 'floodScopeOf', options.floodScopeOf)
  checkFunction(owner, 'floodKeyOf', options.floodKeyOf)
  checkNumber(owner, 'minFloodWaitMs', options.minFloodWaitMs, FINITE_DURATION_MS)
  checkObject(owner, 'clock', options.clock, ['now', 'setTimer', 'clearTimer'])
  checkFunction(owner, 'random', options.random)
  if (typeof options.redact !== 'boolean') checkFunction(owner, 'redact', options.redact)
  for (const hook of HOOKS) checkFunction(owner, hook, options[hook])
}

/** Checks the options of one call; `owner` names the entry point (`invoke`, `pool`). */
export function checkCallOptions(options: CallOptions | undefined, owner = 'invoke'): void {
  if (options === undefined) return
  checkOptionsBag(owner, options, false)
  checkLimits(owner, options)
  const { signal, dcId, after, handle, priority, pace } = options
  if (signal !== undefined) checkObject(owner, 'signal', signal, ['addEventListener', 'removeEventListener'])
  // A misspelt priority would otherwise pace a broadcast as if a user were waiting on it.
  if (priority !== undefined) checkOneOf(owner, 'priority', priority, ['interactive', 'bulk'])
  if (pace !== undefined) checkBoolean(owner, 'pace', pace)
  if (dcId !== undefined) checkNumber(owner, 'dcId', dcId, DC_ID)
  if (after !== undefined) checkObject(owner, 'after', after, ['then'])
  if (handle !== undefined) checkObject(owner, 'handle', handle)
}

/**
 * The fields of `BreakerPolicyOptions` as a checker reads them: any value, since the point is to
 * refuse wrong ones (and typed here, not imported, so the breaker can import its checker).
 */
interface BreakerOptionsAsGiven {
  readonly failureThreshold?: unknown
  readonly openMs?: unknown
  readonly maxOpenMs?: unknown
  readonly maxBreakerWaitMs?: unknown
  readonly countsAgainstDc?: unknown
}

/** Checks the options of `createBreakerPolicy`. A circuit that is open for ever never recovers, so its times are finite. */
export function checkBreakerOptions(
  options: BreakerOptionsAsGiven | undefined,
  owner = 'createBreakerPolicy',
): void {
  checkOptionsBag(owner, options, true)
  if (options === undefined) return
  checkNumber(owner, 'failureThreshold', options.failureThreshold, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
  })
  checkNumber(owner, 'openMs', options.openMs, FINITE_DURATION_MS)
  checkNumber(owner, 'maxOpenMs', options.maxOpenMs, FINITE_DURATION_MS)
  checkNumber(owner, 'maxBreakerWaitMs', options.maxBreakerWaitMs, DURATION_MS)
  checkFunction(owner, 'countsAgainstDc', options.countsAgainstDc)
}
