import {
  checkFunction,
  checkNumber,
  checkObject,
  checkOptionsBag,
  checkString,
} from '../recovery/check-option.js'
import { MAX_TIMER_DELAY_MS } from '../recovery/long-timer.js'

/**
 * ioredis arms its command timeout with a plain `setTimeout`, so a longer one would fire after
 * 1 ms and fail every command.
 */
const COMMAND_TIMEOUT_RULE = { min: 1, max: MAX_TIMER_DELAY_MS }

/**
 * The fields of `RedisFloodStoreOptions` as the checker reads them: any value, since the point is to
 * refuse wrong ones (and typed here, not imported, so the store can import its checker).
 */
interface StoreOptionsAsGiven {
  readonly redis?: unknown
  readonly prefix?: unknown
  readonly commandTimeoutMs?: unknown
  readonly resyncRetryMs?: unknown
  readonly maxKeys?: unknown
  readonly maxWindowMs?: unknown
  readonly now?: unknown
}

/** Checks the options of `createRedisFloodStore` once, before any connection is made. */
export function checkStoreOptions(options: StoreOptionsAsGiven, owner = 'createRedisFloodStore'): void {
  checkOptionsBag(owner, options, false)
  if (options.redis === undefined) throw new TypeError(`${owner}: redis must be an ioredis client`)
  checkObject(owner, 'redis', options.redis, ['duplicate'])
  checkString(owner, 'prefix', options.prefix)
  checkNumber(owner, 'commandTimeoutMs', options.commandTimeoutMs, COMMAND_TIMEOUT_RULE)
  // 0 would retry a failing resync in a busy loop.
  checkNumber(owner, 'resyncRetryMs', options.resyncRetryMs, { min: 1, max: Number.MAX_SAFE_INTEGER })
  checkNumber(owner, 'maxKeys', options.maxKeys, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true })
  checkNumber(owner, 'maxWindowMs', options.maxWindowMs, { min: 1, max: Number.MAX_SAFE_INTEGER })
  checkFunction(owner, 'now', options.now)
}
