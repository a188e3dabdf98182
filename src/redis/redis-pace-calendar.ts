import type { Redis } from 'ioredis'
import { createLocalPaceCalendar } from '../flood/local-pace-calendar.js'
import {
  type CalendarBooking,
  type CalendarPaceStore,
  type CalendarSlot,
  checkCalendarLimit,
} from '../flood/pace-calendar.js'
import { checkPaceLimit } from '../flood/pace-store.js'
import { CALENDAR_RELEASE_SCRIPT, CALENDAR_RESERVE_SCRIPT } from './pace-calendar-script.js'
import { paceKeyOf, type RedisPaceHost } from './redis-pace.js'

/** A slot booked on a calendar through the Redis store. */
export interface RedisCalendarSlot extends CalendarSlot {
  /** Set when Redis could not be asked: the slot then comes from this process's own calendar. What failed. */
  readonly storeError?: unknown
  /** When the slot is, epoch ms on Redis's clock (so tests can follow the script); absent for a local slot. */
  readonly slotAt?: number
}

/** The calendar half of the Redis store. */
export interface RedisPaceCalendar extends CalendarPaceStore {
  /**
   * Books one send in one script run, shared by every process on this Redis. While Redis cannot
   * be asked, the slot comes from this process's own calendar and carries `storeError`. Rejects
   * only for limits it cannot keep (a `RangeError`, before any command).
   */
  reserveOnCalendar(booking: CalendarBooking, now: number): Promise<RedisCalendarSlot>
  releaseOnCalendar(slot: CalendarSlot, now: number): Promise<void>
}

interface CalendarCommands {
  mtproto_pace_calendar_reserve(keyCount: number, ...keysThenArgs: string[]): Promise<string[]>
  mtproto_pace_calendar_release(keyCount: number, ...keysThenArgs: string[]): Promise<number>
}

/** What a booking in Redis needs for its release: keys, GCRA spacings, the TATs after it and the calendar mark. */
interface Booking {
  readonly keys: readonly string[]
  readonly spacings: readonly string[]
  readonly tats: readonly string[]
  readonly mark: string
}

/** Decimal text for the script (see redis-pace.ts). */
const decimal = (ms: number) => ms.toFixed(3)

/**
 * Adds calendar bookings to the Redis store's write connection: one script run (one round trip)
 * per send. The calendar's two keys sit beside its GCRA key, under the same hash tag as the
 * send's other limits (`paceKeyOf`), so one script may touch them all in a Redis Cluster.
 */
export function createRedisPaceCalendar(host: RedisPaceHost): RedisPaceCalendar {
  const redis = host.redis as Redis & CalendarCommands
  redis.defineCommand('mtproto_pace_calendar_reserve', { lua: CALENDAR_RESERVE_SCRIPT })
  redis.defineCommand('mtproto_pace_calendar_release', { lua: CALENDAR_RELEASE_SCRIPT })
  const local = createLocalPaceCalendar()
  const inRedis = new WeakMap<CalendarSlot, Booking>()
  const inLocal = new WeakMap<CalendarSlot, CalendarSlot>()

  return {
    async reserveOnCalendar(booking, now) {
      const { limits, calendar, maxDelayMs } = booking
      for (const limit of [...limits, calendar]) checkPaceLimit(limit)
      checkCalendarLimit(calendar, booking.weight)
      const fallBack = (error: unknown): RedisCalendarSlot => {
        const booked = local.reserveOnCalendar(booking, now)
        const slot: RedisCalendarSlot = { ...booked, storeError: error }
        inLocal.set(slot, booked)
        return slot
      }
      if (!host.isReady()) return fallBack(new Error('Redis is not connected'))
      const calendarKey = paceKeyOf(host.prefix, calendar.key)
      const keys = [
        ...limits.map((limit) => paceKeyOf(host.prefix, limit.key)),
        calendarKey,
        `${calendarKey}|ahead`,
      ]
      const spacings = limits.map((limit) => decimal(limit.periodMs / limit.count))
      const args = [
        String(limits.length),
        maxDelayMs === undefined ? '-1' : decimal(Math.max(0, maxDelayMs)),
        decimal(calendar.periodMs / calendar.count),
        decimal((calendar.periodMs / calendar.count) * (booking.weight ?? 1)),
        ...limits.flatMap((limit, i) => [
          spacings[i] as string,
          decimal((limit.burst - 1) * (limit.periodMs / limit.count)),
        ]),
      ]
      let reply: string[]
      try {
        reply = await redis.mtproto_pace_calendar_reserve(keys.length, ...keys, ...args)
      } catch (error) {
        host.onError('reserve', error)
        return fallBack(error)
      }
      const delayMs = Math.max(0, Number(reply[0]))
      const slot: RedisCalendarSlot = {
        delayMs: Number.isFinite(delayMs) ? delayMs : 0,
        booked: reply[1] === '1',
        slotAt: Number(reply[2]) + delayMs,
      }
      if (slot.booked) inRedis.set(slot, { keys, spacings, tats: reply.slice(4), mark: reply[3] ?? 'none' })
      return slot
    },

    async releaseOnCalendar(slot, now) {
      const booked = inLocal.get(slot)
      if (booked !== undefined) {
        inLocal.delete(slot)
        local.releaseOnCalendar(booked, now)
        return
      }
      const booking = inRedis.get(slot)
      if (booking === undefined) return
      inRedis.delete(slot)
      if (!host.isReady()) return
      try {
        await redis.mtproto_pace_calendar_release(
          booking.keys.length,
          ...booking.keys,
          String(booking.spacings.length),
          booking.mark,
          ...booking.spacings,
          ...booking.tats,
        )
      } catch (error) {
        // Best effort: a slot not given back only spaces a later send more than needed.
        host.onError('release', error)
      }
    },
  }
}
