import type { Redis } from 'ioredis'
import { createMemoryPaceStore } from '../flood/memory-pace-store.js'
import { checkPaceLimit, type PaceLimit, type PaceSlot, type PaceStore } from '../flood/pace-store.js'
import { RELEASE_SCRIPT, RESERVE_SCRIPT } from './pace-script.js'

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
  onError(operation: 'reserve' | 'release', error: unknown): void
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
}

/** What a slot booked in Redis: the keys it moved, their T, and their TATs right after. */
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
    const keys = limits.map((limit) => paceKeyOf(host.prefix, limit.key))
    const periods = limits.map((limit) => decimal(limit.periodMs / limit.count))
    const args = limits.flatMap((limit, i) => [
      periods[i] as string,
      decimal((limit.burst - 1) * (limit.periodMs / limit.count)),
    ])
    let reply: string[]
    try {
      reply = await redis.mtproto_pace_reserve(keys.length, ...keys, ...args)
    } catch (error) {
      host.onError('reserve', error)
      return fallBack(error)
    }
    const delayMs = Math.max(0, Number(reply[0]))
    const slot: RedisPaceSlot = { delayMs: Number.isFinite(delayMs) ? delayMs : 0 }
    inRedis.set(slot, { keys, periods, tats: reply.slice(1) })
    return slot
  }

  return {
    reserve,

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
