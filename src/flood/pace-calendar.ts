import type { PaceLimit, PaceSlot } from './pace-store.js'

/**
 * Booking a send under a wide limit kept as a calendar of slots.
 *
 * GCRA keeps one number per limit (its next free time) and only moves it forward, so a send that a
 * narrow limit holds seconds ahead (a group's one a second) pushes a wide limit (a bot's 30 a
 * second) seconds ahead too, and the wide limit's earlier slots stay unused. A calendar limit
 * remembers the slots booked ahead of its frontier one by one instead: a send is booked at the
 * earliest free slot at or after the slot its other limits give it, and the slots before stay free
 * for sends that can take them. Only evenly spaced limits (burst 1) are kept so: a slot is free
 * when no booked slot lies within one spacing of it.
 */

/** Two slots closer than a spacing by no more than this, ms, count as a spacing apart (decimal rounding). */
export const CALENDAR_EPSILON_MS = 0.002

/** One send to book: its GCRA limits and the calendar limit it also counts against. */
export interface CalendarBooking {
  /** Limits booked as `PaceStore.reserve` books them (a chat's): they decide the earliest slot. */
  readonly limits: readonly PaceLimit[]
  /** The wide limit (a bot's), evenly spaced (`burst` 1), booked at its first free slot from there. */
  readonly calendar: PaceLimit
  /**
   * How many sends this one counts as on the calendar (an album of 10: 10). Default 1. A send of
   * several goes after every slot booked so far and takes that many spacings; the slots it leaves
   * before it stay unused (rare sends; keeping spans of every width apart is not worth its cost).
   */
  readonly weight?: number
  /**
   * Book nothing when the slot is further off than this, ms, and say when it would have been (a
   * call whose deadline comes first). Default: no bound.
   */
  readonly maxDelayMs?: number
}

/** A slot from {@link CalendarPaceStore.reserveOnCalendar} (a calendar shares no learned pace). */
export interface CalendarSlot extends Omit<PaceSlot, 'shared'> {
  /** `false` when the slot lay past `maxDelayMs` and nothing was booked; `delayMs` says where it lay. */
  readonly booked: boolean
}

/** A pace store that can keep a limit as a calendar (the local calendar and the Redis store can). */
export interface CalendarPaceStore {
  /** Books one send under `booking` atomically (one round trip for a shared store). */
  reserveOnCalendar(booking: CalendarBooking, now: number): CalendarSlot | Promise<CalendarSlot>
  /** Gives back a slot booked here that the send will not use, where no later booking built on it. Best effort. */
  releaseOnCalendar(slot: CalendarSlot, now: number): void | Promise<void>
}

/** Whether `store` can keep calendar limits. */
export function isCalendarPaceStore(store: unknown): store is CalendarPaceStore {
  const candidate = store as Partial<CalendarPaceStore> | null | undefined
  return (
    typeof candidate?.reserveOnCalendar === 'function' && typeof candidate.releaseOnCalendar === 'function'
  )
}

/** Throws a clear error for a calendar limit with a burst (a calendar keeps even spacing only), or a bad weight. */
export function checkCalendarLimit(limit: PaceLimit, weight = 1): void {
  if (limit.burst !== 1) {
    throw new RangeError(
      `pace limit ${String(limit.key)}: a calendar limit needs burst 1 (got ${limit.burst})`,
    )
  }
  if (!(weight >= 1 && Number.isFinite(weight))) {
    throw new RangeError(
      `pace limit ${String(limit.key)}: a weight must be a finite number >= 1 (got ${weight})`,
    )
  }
}
