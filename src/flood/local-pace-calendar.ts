import { createGcraTable } from './gcra-table.js'
import {
  CALENDAR_EPSILON_MS,
  type CalendarBooking,
  type CalendarPaceStore,
  type CalendarSlot,
  checkCalendarLimit,
} from './pace-calendar.js'
import type { PaceLimit, PaceSlot, PaceStore } from './pace-store.js'
import { checkPaceLimit } from './pace-store.js'

/**
 * A one-process pace store whose wide limits are calendars (see pace-calendar.ts): the same
 * booking as the Redis calendar script (src/redis/pace-calendar-script.ts), on the caller's clock.
 * It is the grammY transformer's own schedule and the Redis store's stand-in while Redis is
 * unreachable. `reserve` books GCRA limits only, as any pace store does. Runtime-free.
 */
export interface LocalPaceCalendar extends Required<Omit<PaceStore, 'shareRefusal'>>, CalendarPaceStore {
  reserveOnCalendar(booking: CalendarBooking, now: number): CalendarSlot
  releaseOnCalendar(slot: CalendarSlot, now: number): void
}

/** One calendar: the frontier (every slot before it is taken) and the slots booked beyond it, sorted. */
interface Calendar {
  frontier: number
  readonly ahead: number[]
}

/** What one booking moved, so that `release` can undo exactly that and nothing booked since. */
interface Booked {
  readonly limits: readonly PaceLimit[]
  readonly tats: readonly number[]
  readonly calendar?: { readonly key: string; readonly at: number; readonly frontierAfter?: number }
}

const spacingOf = (limit: PaceLimit) => limit.periodMs / limit.count

/** Limits and calendars kept before expired ones are swept (one pass, at most once per growth past it). */
const SWEEP_AT = 10_000

/** Creates a {@link LocalPaceCalendar}. */
export function createLocalPaceCalendar(): LocalPaceCalendar {
  // The GCRA limits; never evicted while live (a chat's limit lost mid-broadcast would draw a 429),
  // past ones are dropped by the sweep below.
  const gcra = createGcraTable(Number.POSITIVE_INFINITY)
  const calendars = new Map<string, Calendar>()
  const bookings = new WeakMap<PaceSlot, Booked>()
  let sweepAt = SWEEP_AT

  function sweep(now: number): void {
    gcra.dropPast(now)
    for (const [key, calendar] of calendars) {
      if (calendar.frontier <= now && calendar.ahead.length === 0) calendars.delete(key)
    }
    sweepAt = Math.max(SWEEP_AT, (gcra.size + calendars.size) * 2)
  }

  /**
   * Brings a calendar up to `now`: the frontier is at least now, and slots booked ahead that leave
   * less than a spacing before them join it (nothing could go there anyway).
   */
  function settle(calendar: Calendar, spacing: number, now: number): void {
    calendar.frontier = Math.max(calendar.frontier, now)
    const { ahead } = calendar
    let joined = 0
    while (
      joined < ahead.length &&
      (ahead[joined] as number) < calendar.frontier + spacing - CALENDAR_EPSILON_MS
    ) {
      calendar.frontier = Math.max(calendar.frontier, (ahead[joined] as number) + spacing)
      joined++
    }
    if (joined > 0) ahead.splice(0, joined)
  }

  /** The first slot at or after `from` with no booked slot within a spacing, and where it goes in `ahead`. */
  function firstFree(calendar: Calendar, spacing: number, from: number): { at: number; index: number } {
    const { ahead } = calendar
    let at = Math.max(from, calendar.frontier)
    // The first slot booked ahead that could clash: binary search for one past `at - spacing`.
    let low = 0
    let high = ahead.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((ahead[middle] as number) > at - spacing + CALENDAR_EPSILON_MS) high = middle
      else low = middle + 1
    }
    let index = low
    while (index < ahead.length && (ahead[index] as number) < at + spacing - CALENDAR_EPSILON_MS) {
      at = (ahead[index] as number) + spacing
      index++
    }
    return { at, index }
  }

  function reserveOnCalendar(booking: CalendarBooking, now: number): CalendarSlot {
    const { limits, calendar: limit, maxDelayMs, weight = 1 } = booking
    checkPaceLimit(limit)
    checkCalendarLimit(limit, weight)
    const spacing = spacingOf(limit)
    const span = spacing * weight
    const several = span > spacing + CALENDAR_EPSILON_MS
    const calendar = calendars.get(limit.key) ?? { frontier: now, ahead: [] }
    settle(calendar, spacing, now)
    const from = gcra.earliest(limits, now)
    const last = calendar.ahead[calendar.ahead.length - 1]
    // A send of several goes after everything booked (see CalendarBooking.weight).
    const { at, index } = several
      ? { at: Math.max(from, calendar.frontier, last === undefined ? from : last + spacing), index: -1 }
      : firstFree(calendar, spacing, from)
    if (maxDelayMs !== undefined && at - now > maxDelayMs) return { delayMs: at - now, booked: false }
    calendars.set(limit.key, calendar)
    let frontierAfter: number | undefined
    if (several || at < calendar.frontier + spacing - CALENDAR_EPSILON_MS) {
      calendar.frontier = at + span
      settle(calendar, spacing, now)
      // Giving the slot back is exact only while no slot booked ahead joined the frontier.
      if (calendar.frontier === at + span && (!several || last === undefined))
        frontierAfter = calendar.frontier
    } else {
      calendar.ahead.splice(index, 0, at)
    }
    const slot: CalendarSlot = { delayMs: at - now, booked: true }
    bookings.set(slot, {
      limits,
      tats: gcra.book(limits, at, now),
      calendar: { key: limit.key, at, ...(frontierAfter !== undefined && { frontierAfter }) },
    })
    if (gcra.size + calendars.size > sweepAt) sweep(now)
    return slot
  }

  function releaseOnCalendar(slot: PaceSlot, now: number): void {
    const booked = bookings.get(slot)
    if (booked === undefined) return
    bookings.delete(slot)
    gcra.giveBack(booked.limits, booked.tats, now)
    const mark = booked.calendar
    const calendar = mark === undefined ? undefined : calendars.get(mark.key)
    if (mark === undefined || calendar === undefined) return
    if (mark.frontierAfter === undefined) {
      const index = calendar.ahead.indexOf(mark.at)
      if (index >= 0) calendar.ahead.splice(index, 1)
    } else if (calendar.frontier === mark.frontierAfter) {
      calendar.frontier = mark.at
    }
  }

  return {
    reserveOnCalendar,
    releaseOnCalendar,
    reserve(limits, now) {
      const slot = gcra.earliest(limits, now)
      const result: PaceSlot = { delayMs: slot - now }
      bookings.set(result, { limits, tats: gcra.book(limits, slot, now) })
      if (gcra.size > sweepAt) sweep(now)
      return result
    },
    release: (_limits, slot, now) => releaseOnCalendar(slot as CalendarSlot, now),
  }
}
