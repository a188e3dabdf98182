import { checkPaceLimit, type PaceLimit } from './pace-store.js'

/**
 * The GCRA arithmetic both in-process pace stores share (the memory pace store, and the calendar
 * store for the limits it does not keep as calendars): one theoretical arrival time (TAT) per
 * limit key, epoch ms of the callers' clock, in a `Map` kept in the order keys were first booked.
 * No timers and no clock of its own. Runtime-free.
 */
export interface GcraTable {
  /** Keys remembered (those with a booking ahead, and idle ones not dropped yet). */
  readonly size: number
  /** The earliest instant, at or after `now`, that every one of `limits` allows. */
  earliest(limits: readonly PaceLimit[], now: number): number
  /** Books `limits` at `slot` (which `earliest` allowed); returns each limit's TAT right after. */
  book(limits: readonly PaceLimit[], slot: number, now: number): readonly number[]
  /**
   * Gives back a booking: each limit whose TAT is still the one `book` returned steps back one
   * spacing; a limit booked again since keeps its place (that later send was spaced after it).
   */
  giveBack(limits: readonly PaceLimit[], tatsAfter: readonly number[], now: number): void
  /** Drops the keys whose schedule is already in the past (they would start afresh anyway). */
  dropPast(now: number): void
}

function spacingOf(limit: PaceLimit): number {
  return limit.periodMs / limit.count
}

/**
 * Creates a {@link GcraTable} holding at most `maxKeys` keys: when full, a new key first drops the
 * schedules already past, then the oldest. `Infinity` never evicts (the owner then calls `dropPast`).
 */
export function createGcraTable(maxKeys: number): GcraTable {
  const tats = new Map<string, number>()

  function dropPast(now: number): void {
    for (const [key, tat] of tats) if (tat <= now) tats.delete(key)
  }

  function makeRoom(now: number): void {
    dropPast(now)
    for (const key of tats.keys()) {
      if (tats.size < maxKeys) break
      tats.delete(key)
    }
  }

  return {
    get size() {
      return tats.size
    },
    earliest(limits, now) {
      let slot = now
      for (const limit of limits) {
        checkPaceLimit(limit)
        const tat = tats.get(limit.key)
        if (tat !== undefined) slot = Math.max(slot, tat - (limit.burst - 1) * spacingOf(limit))
      }
      return slot
    },
    book(limits, slot, now) {
      return limits.map((limit) => {
        const before = tats.get(limit.key)
        if (before === undefined && tats.size >= maxKeys) makeRoom(now)
        const tat = Math.max(before ?? slot, slot) + spacingOf(limit)
        tats.set(limit.key, tat)
        return tat
      })
    },
    giveBack(limits, tatsAfter, now) {
      limits.forEach((limit, i) => {
        const after = tatsAfter[i] as number
        if (tats.get(limit.key) !== after) return
        const tat = after - spacingOf(limit)
        if (tat > now) tats.set(limit.key, tat)
        else tats.delete(limit.key)
      })
    },
    dropPast,
  }
}
