import type { Redis } from 'ioredis'
import { createMemoryPaceStore } from '../flood/memory-pace-store.js'
import {
  checkPaceLimit,
  checkPaceRefusal,
  checkSharedPaceRequest,
  type PaceLimit,
  type PaceRefusal,
  type PaceSlot,
  type PaceStore,
  type SharedPace,
  type SharedPaceRequest,
} from '../flood/pace-store.js'
import { RELEASE_SCRIPT, RESERVE_SCRIPT, SHARE_SCRIPT } from './pace-script.js'

/** A slot booked through the Redis store. */
export interface RedisPaceSlot extends PaceSlot {
  /**
   * Set when Redis could not be asked (unreachable, slow, or an error): the slot then comes from
   * this process's own schedule, which other processes do not see. What failed.
   */
  readonly storeError?: unknown
}

/** The scripts, as ioredis's `defineCommand` adds them: EVALSHA, with EVAL when the server lost them. */
interface PaceCommands {
  mtproto_pace_reserve(keyCount: number, ...keysThenArgs: string[]): Promise<string[]>
  mtproto_pace_release(keyCount: number, ...keysThenArgs: string[]): Promise<number>
  mtproto_pace_share(keyCount: number, ...keysThenArgs: string[]): Promise<string[]>
}

/** What {@link createRedisPace} needs from the store that owns the connection. */
export interface RedisPaceHost {
  /** The store's write connection (offline queue off, command timeout set). */
  readonly redis: Redis
  /** Before every pace key. Must not start with the flood store's prefix (its resync scans that). */
  readonly prefix: string
  /** Whether the connection is up now; when not, no command is tried. */
  isReady(): boolean
  /** Told of every failure to reach Redis (the store turns it into an `error` event). */
  onError(operation: 'reserve' | 'release' | 'share', error: unknown): void
}

/** The pace half of the Redis store: `reserve` and `release`. */
export interface RedisPace extends Required<PaceStore> {
  /**
   * Books a slot for one send under every limit in `limits`, shared by every process on this
   * Redis: one script run (GCRA with reservations on Redis's clock). While Redis cannot be asked,
   * the slot comes from this process's own schedule and carries `storeError`. Never rejects for
   * Redis's sake; rejects with a `RangeError` for a limit with a zero or negative count, period or
   * burst.
   */
  reserve(limits: readonly PaceLimit[], now: number): Promise<RedisPaceSlot>
  /** Gives back a slot booked here that the send will not use, where no later booking followed it. */
  release(limits: readonly PaceLimit[], slot: PaceSlot, now: number): Promise<void>
  /**
   * Reports a refusal to the fleet's shared pace of `key` (one script run) and answers that pace.
   * Rejects when Redis cannot be asked (the pacer reports it as a `storeError`), and with a
   * `RangeError` for a request or report out of range.
   */
  shareRefusal(
    key: string,
    request: SharedPaceRequest,
    refusal: PaceRefusal,
    now: number,
  ): Promise<SharedPace | undefined>
}

/** What a slot booked in Redis: the keys it moved, the T each was booked with, and their TATs right after. */
interface Booking {
  readonly keys: readonly string[]
  readonly periods: readonly string[]
  readonly tats: readonly string[]
}

/**
 * The Redis key of a limit. The hash tag is the limit key's first `|`-separated part (the account
 * label of flood keys, e.g. `bot123`), so the limits one send checks together (bot, chat, group of
 * one bot) land in one Redis Cluster slot.
 */
export function paceKeyOf(prefix: string, limitKey: string): string {
  const bar = limitKey.indexOf('|')
  const tag = bar < 0 ? limitKey : limitKey.slice(0, bar)
  return `${prefix}{${tag}}${limitKey.slice(tag.length)}`
}

/**
 * The Redis key of the pace a fleet shares for a limit (see `SharedPaceRequest`): a hash beside the
 * limit's TAT key, under the same hash tag, so one script reads both on a Redis Cluster.
 */
export function sharedPaceKeyOf(prefix: string, limitKey: string): string {
  return paceKeyOf(`${prefix}shared:`, limitKey)
}

/** The scripts' four values for a limit that shares its pace (see `RESERVE_SCRIPT`). */
function sharedArgs(shared: SharedPaceRequest): string[] {
  return [shared.member, String(shared.shrinkRatio), String(shared.growthRatio), decimal(shared.keepMs)]
}

/** A shared pace as the script answered it, or `undefined` for none or for values that make no sense. */
function sharedPaceOf(rate: string | undefined, ceiling: string | undefined, version: string | undefined) {
  const ratePerSecond = Number(rate)
  const ceilingValue = Number(ceiling)
  const versionValue = Number(version)
  if (!(ratePerSecond > 0 && Number.isFinite(ratePerSecond))) return undefined
  if (!(ceilingValue === -1 || (ceilingValue > 0 && Number.isFinite(ceilingValue)))) return undefined
  if (!(Number.isSafeInteger(versionValue) && versionValue > 0)) return undefined
  const pace: SharedPace = {
    ratePerSecond,
    ceilingPerSecond: ceilingValue === -1 ? Number.POSITIVE_INFINITY : Math.max(ceilingValue, ratePerSecond),
    version: versionValue,
  }
  return pace
}

/** Decimal text for the script: enough digits for a T like 33.333 ms, none that float noise adds. */
function decimal(ms: number): string {
  return ms.toFixed(3)
}

/**
 * Adds pacing to the Redis store's write connection: one script run (one round trip) per
 * reservation, none for an empty list of limits. While Redis cannot be asked, slots come from a
 * schedule in this process, marked with `storeError`, so sends go on at a pace, only no longer one
 * shared with the fleet.
 */
export function createRedisPace(host: RedisPaceHost): RedisPace {
  const redis = host.redis as Redis & PaceCommands
  redis.defineCommand('mtproto_pace_reserve', { lua: RESERVE_SCRIPT })
  redis.defineCommand('mtproto_pace_release', { lua: RELEASE_SCRIPT })
  redis.defineCommand('mtproto_pace_share', { lua: SHARE_SCRIPT })
  const local = createMemoryPaceStore()
  const inRedis = new WeakMap<PaceSlot, Booking>()
  /** The local schedule's own slot behind each slot booked locally. */
  const inLocal = new WeakMap<PaceSlot, PaceSlot>()

  async function reserve(limits: readonly PaceLimit[], now: number): Promise<RedisPaceSlot> {
    if (limits.length === 0) return { delayMs: 0 }
    for (const limit of limits) checkPaceLimit(limit)
    const fallBack = (error: unknown): RedisPaceSlot => {
      const booked = local.reserve(limits, now)
      const slot: RedisPaceSlot = { delayMs: booked.delayMs, storeError: error }
      inLocal.set(slot, booked)
      return slot
    }
    if (!host.isReady()) return fallBack(new Error('Redis is not connected'))
    const n = limits.length
    const sharing = limits.filter((limit) => limit.shared !== undefined)
    const keys = limits.map((limit) => paceKeyOf(host.prefix, limit.key))
    const sharedKeys = sharing.map((limit) => sharedPaceKeyOf(host.prefix, limit.key))
    const args = [
      String(n),
      ...limits.flatMap((limit) => [
        decimal(limit.periodMs / limit.count),
        decimal((limit.burst - 1) * (limit.periodMs / limit.count)),
        limit.shared === undefined ? '0' : '1',
      ]),
      ...sharing.flatMap((limit) => sharedArgs(limit.shared as SharedPaceRequest)),
    ]
    let reply: string[]
    try {
      reply = await redis.mtproto_pace_reserve(n + sharedKeys.length, ...keys, ...sharedKeys, ...args)
    } catch (error) {
      host.onError('reserve', error)
      return fallBack(error)
    }
    const delayMs = Math.max(0, Number(reply[0]))
    const periods = limits.map((limit, i) => {
      const used = reply[n + 1 + 4 * i]
      // What the script added is what a release must take back; its own T if the reply is odd.
      return used !== undefined && Number(used) > 0 ? used : decimal(limit.periodMs / limit.count)
    })
    const booked = { delayMs: Number.isFinite(delayMs) ? delayMs : 0 }
    const slot: RedisPaceSlot =
      sharing.length === 0
        ? booked
        : {
            ...booked,
            shared: limits.map((limit, i) =>
              limit.shared === undefined
                ? undefined
                : sharedPaceOf(reply[n + 2 + 4 * i], reply[n + 3 + 4 * i], reply[n + 4 + 4 * i]),
            ),
          }
    inRedis.set(slot, { keys, periods, tats: reply.slice(1, n + 1) })
    return slot
  }

  return {
    reserve,

    async shareRefusal(key, request, refusal) {
      checkSharedPaceRequest(key, request)
      checkPaceRefusal(key, refusal)
      if (!host.isReady()) throw new Error('Redis is not connected')
      let reply: string[]
      try {
        reply = await redis.mtproto_pace_share(
          1,
          sharedPaceKeyOf(host.prefix, key),
          ...sharedArgs(request),
          String(refusal.ratePerSecond),
          refusal.measured ? '1' : '0',
          String(refusal.basis),
          decimal(refusal.waitMs),
          refusal.joined === true ? '1' : '0',
        )
      } catch (error) {
        host.onError('share', error)
        throw error
      }
      return sharedPaceOf(reply[0], reply[1], reply[2])
    },

    async release(limits, slot, now) {
      const booked = inLocal.get(slot)
      if (booked !== undefined) {
        inLocal.delete(slot)
        local.release(limits, booked, now)
        return
      }
      const booking = inRedis.get(slot)
      if (booking === undefined) return
      inRedis.delete(slot)
      if (!host.isReady() || booking.keys.length === 0) return
      try {
        await redis.mtproto_pace_release(
          booking.keys.length,
          ...booking.keys,
          ...booking.periods,
          ...booking.tats,
        )
      } catch (error) {
        // Best effort: a slot not given back only spaces the next send once more than needed.
        host.onError('release', error)
      }
    },
  }
}
