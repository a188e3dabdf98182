import type { PaceLimit, PaceSlot, PaceStore } from './pace-store.js'

/**
 * A one-process schedule of slots: the same GCRA with reservations as the Redis script (see
 * src/redis/pace-script.ts), on the caller's clock. It stands in where no shared store answers:
 * the Redis store while Redis is unreachable, and the grammY transformer when its flood store does
 * not pace. Runtime-free.
 */
export interface LocalPaceSchedule extends Required<PaceStore> {
  reserve(limits: readonly PaceLimit[], nowMs: number): PaceSlot
  release(limits: readonly PaceLimit[], slot: PaceSlot, nowMs: number): void
  /** Limits with a booking still ahead. */
  readonly size: number
}

/** Limits kept before expired ones are swept (a sweep is one pass, at most once per growth past it). */
const SWEEP_AT = 10_000

/** Throws a clear error for a limit the schedule cannot keep (a zero count would divide by zero). */
export function checkPaceLimit(limit: PaceLimit): void {
  const fine =
    typeof limit.key === 'string' &&
    limit.count > 0 &&
    Number.isFinite(limit.count) &&
    limit.periodMs > 0 &&
    Number.isFinite(limit.periodMs) &&
    limit.burst >= 1 &&
    Number.isFinite(limit.burst)
  if (!fine) {
    throw new RangeError(
      `pace limit ${String(limit.key)}: needs count > 0, periodMs > 0 and burst >= 1, all finite ` +
        `(got count ${limit.count}, periodMs ${limit.periodMs}, burst ${limit.burst})`,
    )
  }
}

/** Creates a {@link LocalPaceSchedule}. */
export function createLocalPaceSchedule(): LocalPaceSchedule {
  /** Each limit's theoretical arrival time, epoch ms of the callers' clock. */
  const tats = new Map<string, number>()
  /** The TATs each slot left behind, so `release` gives back only a last booking. */
  const booked = new WeakMap<PaceSlot, readonly number[]>()
  let sweepAt = SWEEP_AT

  function sweep(nowMs: number): void {
    for (const [key, tat] of tats) if (tat <= nowMs) tats.delete(key)
    sweepAt = Math.max(SWEEP_AT, tats.size * 2)
  }

  return {
    get size() {
      return tats.size
    },
    reserve(limits, nowMs) {
      let slot = nowMs
      for (const limit of limits) {
        checkPaceLimit(limit)
        const tat = tats.get(limit.key)
        if (tat === undefined) continue
        const earliest = tat - (limit.burst - 1) * (limit.periodMs / limit.count)
        if (earliest > slot) slot = earliest
      }
      const after = limits.map((limit) => {
        const tat = Math.max(tats.get(limit.key) ?? slot, slot) + limit.periodMs / limit.count
        tats.set(limit.key, tat)
        return tat
      })
      if (tats.size > sweepAt) sweep(nowMs)
      const result: PaceSlot = { delayMs: slot - nowMs }
      booked.set(result, after)
      return result
    },
    release(limits, slot, nowMs) {
      const after = booked.get(slot)
      if (after === undefined) return
      booked.delete(slot)
      limits.forEach((limit, i) => {
        if (tats.get(limit.key) !== after[i]) return
        const tat = (after[i] as number) - limit.periodMs / limit.count
        if (tat > nowMs) tats.set(limit.key, tat)
        else tats.delete(limit.key)
      })
    },
  }
}
