import { checkPaceLimit, type PaceLimit, type PaceSlot, type PaceStore } from './pace-store.js'

/** Options of {@link createMemoryPaceStore}. */
export interface MemoryPaceStoreOptions {
  /**
   * Most limits remembered at once. When full, limits whose schedule is already in the past are
   * dropped first (they would start afresh anyway), then the oldest. Default 10,000.
   */
  readonly maxKeys?: number
}

/** The in-memory {@link PaceStore}: every answer is synchronous. */
export interface MemoryPaceStore extends Required<PaceStore> {
  reserve(limits: readonly PaceLimit[], now: number): PaceSlot
  release(limits: readonly PaceLimit[], slot: PaceSlot, now: number): void
  /** Limits remembered (those with a booking ahead, and idle ones not swept yet). */
  readonly size: number
}

const DEFAULT_MAX_KEYS = 10_000

function intervalOf(limit: PaceLimit): number {
  return limit.periodMs / limit.count
}

/**
 * The one in-process GCRA with reservations, the same algorithm as the Redis script (see
 * src/redis/pace-script.ts) on the caller's clock: the engine's default pace store, and the Redis
 * store's schedule while Redis is unreachable. One theoretical arrival time (TAT) per limit key, in a `Map`; no timers and no
 * clock of its own (the caller's `now` is the clock, so fake time works in tests). Runtime-free.
 *
 * A reservation books the earliest instant every named limit allows, `max(now, TAT - tolerance)`
 * over the limits, then moves each limit's TAT past it; so at most `burst` sends leave together
 * after a quiet spell, then one per `periodMs / count`. Only the last booking of a limit can be
 * given back: a later one was spaced after it and keeps its place.
 */
export function createMemoryPaceStore(options: MemoryPaceStoreOptions = {}): MemoryPaceStore {
  const maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_KEYS)
  /** Each limit's TAT, epoch ms of the callers' clock, in the order the limits were first booked. */
  const tats = new Map<string, number>()
  /** What each slot booked: the limits it moved, and their TATs right after. */
  const booked = new WeakMap<PaceSlot, { limits: readonly PaceLimit[]; tats: readonly number[] }>()

  /** Frees one entry for a new key: the schedules already past first, then the oldest. */
  function makeRoom(now: number): void {
    for (const [key, tat] of tats) if (tat <= now) tats.delete(key)
    for (const key of tats.keys()) {
      if (tats.size < maxKeys) break
      tats.delete(key)
    }
  }

  /** The earliest slot `limit` allows by itself. */
  function earliestOf(limit: PaceLimit, now: number): number {
    checkPaceLimit(limit)
    const tat = tats.get(limit.key)
    return tat === undefined ? now : Math.max(now, tat - (limit.burst - 1) * intervalOf(limit))
  }

  function reserve(limits: readonly PaceLimit[], now: number): PaceSlot {
    let slot = now
    for (const limit of limits) slot = Math.max(slot, earliestOf(limit, now))
    const after = limits.map((limit) => {
      const before = tats.get(limit.key)
      if (before === undefined && tats.size >= maxKeys) makeRoom(now)
      const tat = Math.max(before ?? slot, slot) + intervalOf(limit)
      tats.set(limit.key, tat)
      return tat
    })
    const result: PaceSlot = { delayMs: slot - now }
    booked.set(result, { limits, tats: after })
    return result
  }

  return {
    get size() {
      return tats.size
    },
    reserve,
    release(_limits, slot, now) {
      // What the slot booked is known here; the limits passed are those the caller asked for.
      const booking = booked.get(slot)
      if (booking === undefined) return
      booked.delete(slot)
      booking.limits.forEach((limit, i) => {
        const after = booking.tats[i] as number
        if (tats.get(limit.key) !== after) return
        const tat = after - intervalOf(limit)
        if (tat > now) tats.set(limit.key, tat)
        else tats.delete(limit.key)
      })
    },
  }
}
