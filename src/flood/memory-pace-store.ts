import { createGcraTable } from './gcra-table.js'
import type { PaceLimit, PaceSlot, PaceStore } from './pace-store.js'

/** Options of {@link createMemoryPaceStore}. */
export interface MemoryPaceStoreOptions {
  /**
   * Most limits remembered at once. When full, limits whose schedule is already in the past are
   * dropped first (they would start afresh anyway), then the oldest. Default 10,000.
   */
  readonly maxKeys?: number
}

/** The in-memory {@link PaceStore}: every answer is synchronous; one process's own, it shares no pace. */
export interface MemoryPaceStore extends Required<Omit<PaceStore, 'shareRefusal'>> {
  reserve(limits: readonly PaceLimit[], now: number): PaceSlot
  release(limits: readonly PaceLimit[], slot: PaceSlot, now: number): void
  /** Limits remembered (those with a booking ahead, and idle ones not swept yet). */
  readonly size: number
}

const DEFAULT_MAX_KEYS = 10_000

/**
 * The in-process GCRA with reservations, the same algorithm as the Redis script (see
 * src/redis/pace-script.ts) on the caller's clock: the engine's default pace store, and the Redis
 * store's schedule while Redis is unreachable. One theoretical arrival time (TAT) per limit key
 * (the table in gcra-table.ts, which the calendar store shares); no timers and no clock of its own
 * (the caller's `now` is the clock, so fake time works in tests). Runtime-free.
 *
 * A reservation books the earliest instant every named limit allows, `max(now, TAT - tolerance)`
 * over the limits, then moves each limit's TAT past it; so at most `burst` sends leave together
 * after a quiet spell, then one per `periodMs / count`. Only the last booking of a limit can be
 * given back: a later one was spaced after it and keeps its place.
 */
export function createMemoryPaceStore(options: MemoryPaceStoreOptions = {}): MemoryPaceStore {
  const table = createGcraTable(Math.max(1, options.maxKeys ?? DEFAULT_MAX_KEYS))
  /** What each slot booked: the limits it moved, and their TATs right after. */
  const booked = new WeakMap<PaceSlot, { limits: readonly PaceLimit[]; tats: readonly number[] }>()

  return {
    get size() {
      return table.size
    },
    reserve(limits, now) {
      const slot = table.earliest(limits, now)
      const result: PaceSlot = { delayMs: slot - now }
      booked.set(result, { limits, tats: table.book(limits, slot, now) })
      return result
    },
    release(_limits, slot, now) {
      // What the slot booked is known here; the limits passed are those the caller asked for.
      const booking = booked.get(slot)
      if (booking === undefined) return
      booked.delete(slot)
      table.giveBack(booking.limits, booking.tats, now)
    },
  }
}
