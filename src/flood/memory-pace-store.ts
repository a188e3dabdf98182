import type { PaceLimit, PaceSlot, PaceStore } from './pace-store.js'

/** Options of {@link createMemoryPaceStore}. */
export interface MemoryPaceStoreOptions {
  /**
   * Most limits remembered at once. When full, limits whose schedule is already in the past are
   * dropped first (they would start afresh anyway), then the oldest. Default 10,000.
   */
  readonly maxKeys?: number
}

/** The in-memory {@link PaceStore}: every answer is synchronous. */
export interface MemoryPaceStore extends PaceStore {
  reserve(limits: readonly PaceLimit[], nowMs: number): PaceSlot
  release(limits: readonly PaceLimit[], slot: PaceSlot, nowMs: number): void
}

/** A slot as this store hands it out: the delay, plus what `release` needs to find it again. */
interface BookedSlot extends PaceSlot {
  /** When the send may leave, on the caller's clock. */
  readonly atMs: number
}

/** One limit's schedule. */
interface Schedule {
  /** The theoretical arrival time of the next send, epoch ms. */
  tat: number
  /** The slot booked last (NaN once given back), so only that one can be released. */
  lastAtMs: number
}

const DEFAULT_MAX_KEYS = 10_000

function intervalOf(limit: PaceLimit): number {
  return limit.periodMs / limit.count
}

function toleranceOf(limit: PaceLimit): number {
  return (Math.max(1, limit.burst) - 1) * intervalOf(limit)
}

/**
 * The default {@link PaceStore}: GCRA with reservations, one theoretical arrival time (TAT) per
 * limit key, in a `Map`, for one process. No timers and no clock of its own: the caller's `nowMs`
 * is the clock, so fake time works in tests.
 *
 * A reservation books the earliest instant every named limit allows, `max(now, TAT - tolerance)`
 * over the limits, then moves each limit's TAT past it; so at most `burst` sends leave together
 * after a quiet spell, then one per `periodMs / count`.
 */
export function createMemoryPaceStore(options: MemoryPaceStoreOptions = {}): MemoryPaceStore {
  const maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_KEYS)
  const tats = new Map<string, Schedule>()

  function makeRoom(nowMs: number): void {
    for (const [key, schedule] of tats) if (schedule.tat <= nowMs) tats.delete(key)
    for (const key of tats.keys()) {
      if (tats.size < maxKeys) break
      tats.delete(key)
    }
  }

  return {
    reserve(limits: readonly PaceLimit[], nowMs: number): BookedSlot {
      let slot = nowMs
      for (const limit of limits) {
        const schedule = tats.get(limit.key)
        if (schedule !== undefined) slot = Math.max(slot, schedule.tat - toleranceOf(limit))
      }
      for (const limit of limits) {
        const schedule = tats.get(limit.key)
        const tat = Math.max(schedule?.tat ?? slot, slot) + intervalOf(limit)
        if (schedule !== undefined) {
          schedule.tat = tat
          schedule.lastAtMs = slot
          continue
        }
        if (tats.size >= maxKeys) makeRoom(nowMs)
        tats.set(limit.key, { tat, lastAtMs: slot })
      }
      return { delayMs: slot - nowMs, atMs: slot }
    },

    release(limits: readonly PaceLimit[], slot: PaceSlot, nowMs: number): void {
      const atMs = (slot as Partial<BookedSlot>).atMs
      if (atMs === undefined) return
      for (const limit of limits) {
        const schedule = tats.get(limit.key)
        // Only the last booking can be taken back: a later one was spaced after this slot and
        // keeps its place, so the gap stays (harmless: one send's worth of pace).
        if (schedule === undefined || schedule.lastAtMs !== atMs) continue
        schedule.tat = Math.max(schedule.tat - intervalOf(limit), nowMs)
        schedule.lastAtMs = Number.NaN
      }
    },
  }
}
