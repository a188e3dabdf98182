import type { BreakerPolicyOptions } from './breaker-policy.js'
import {
  checkArray,
  checkFunction,
  checkNumber,
  checkObject,
  checkOptionsBag,
  checkString,
  type NumberRule,
} from './check-option.js'
import type { CallLimits, CallOptions, InvokerOptions } from './options.js'

/** A duration: 0 or more ms, `Infinity` for "no limit". */
export const DURATION_MS: NumberRule = { min: 0 }
/** A duration that must end: 0 or more ms, finite. */
export const FINITE_DURATION_MS: NumberRule = { min: 0, max: Number.MAX_SAFE_INTEGER }
/** A count: a whole number, 0 or more, `Infinity` for "no limit". */
export const COUNT: NumberRule = { min: 0, integer: true }
/** A DC id: a positive whole number (test DCs have large ones). */
export const DC_ID: NumberRule = { min: 1, max: 2 ** 31 - 1, integer: true }

const LIMIT_RULES: Readonly<Record<keyof CallLimits, NumberRule>> = {
  deadlineMs: DURATION_MS,
  maxFloodWaitMs: DURATION_MS,
  maxAttempts: { min: 1, integer: true },
  baseDelayMs: FINITE_DURATION_MS,
  maxDelayMs: DURATION_MS,
  maxRedirects: COUNT,
  maxFloodWaits: COUNT,
}

/** Checks the call limits present in `options` (an invoker's, an adapter's or one call's). */
export function checkLimits(owner: string, options: Partial<Record<keyof CallLimits, unknown>>): void {
  for (const name of Object.keys(LIMIT_RULES) as Array<keyof CallLimits>) {
    checkNumber(owner, name, options[name], LIMIT_RULES[name])
  }
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
  checkObject(owner, 'signal', options.signal, ['addEventListener', 'removeEventListener'])
  checkNumber(owner, 'dcId', options.dcId, DC_ID)
  checkObject(owner, 'after', options.after, ['then'])
  checkObject(owner, 'handle', options.handle)
}

/** Checks the options of `createBreakerPolicy`. A circuit that is open for ever never recovers, so its times are finite. */
export function checkBreakerOptions(
  options: BreakerPolicyOptions | undefined,
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
