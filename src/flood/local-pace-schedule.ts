import type { PaceLimit, PaceSlot, PaceStore } from './pace-store.js'

/**
 * A one-process schedule of slots: the same GCRA with reservations as the Redis script (see
 * src/redis/pace-script.ts), on the caller's clock. It stands in where no shared store answers:
 * the Redis store while Redis is unreachable, and the grammY transformer when its flood store does
 * not pace. Runtime-free.
 */
export interface LocalPaceSchedule extends Required<PaceStore>, DeferringPaceStore {
  reserve(limits: readonly PaceLimit[], nowMs: number): PaceSlot
  reserveOrDefer(
    limits: readonly PaceLimit[],
    later: readonly PaceLimit[],
    maxHoleMs: number,
    nowMs: number,
  ): DeferringSlot
  release(limits: readonly PaceLimit[], slot: PaceSlot, nowMs: number): void
  /** Limits with a booking still ahead. */
  readonly size: number
}

/** A slot booked by `reserveOrDefer`. */
export interface DeferringSlot extends PaceSlot {
  /** The `later` limits were not booked: book them (with `reserve`) once the slot comes. */
  readonly deferred: boolean
}

/**
 * A pace store that can leave some limits for later. GCRA's TAT only moves forward, so booking a
 * wide limit (a bot's 30 a second) at a slot that a narrow one (a group's one a second) pushed
 * seconds ahead would leave the wide limit idle until then. `reserveOrDefer` books `limits`, and
 * `later` too when the slot is at most `maxHoleMs` past their own earliest slot; otherwise it
 * leaves `later` alone and says so. `release` gives back whatever the slot booked.
 */
export interface DeferringPaceStore {
  /** Books `limits`, and `later` too unless that leaves a hole longer than `maxHoleMs` before the slot. */
  reserveOrDefer(
    limits: readonly PaceLimit[],
    later: readonly PaceLimit[],
    maxHoleMs: number,
    nowMs: number,
  ): DeferringSlot | Promise<DeferringSlot>
}

/** Whether `store` can leave limits for later (the local schedule and the Redis store can). */
export function isDeferringPaceStore(store: PaceStore): store is PaceStore & DeferringPaceStore {
  return typeof (store as Partial<DeferringPaceStore>).reserveOrDefer === 'function'
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
  /** What each slot booked: the limits it moved, and their TATs right after. */
  const booked = new WeakMap<PaceSlot, { limits: readonly PaceLimit[]; tats: readonly number[] }>()
  let sweepAt = SWEEP_AT

  function sweep(nowMs: number): void {
    for (const [key, tat] of tats) if (tat <= nowMs) tats.delete(key)
    sweepAt = Math.max(SWEEP_AT, tats.size * 2)
  }

  /** The earliest slot `limit` allows by itself. */
  function earliestOf(limit: PaceLimit, nowMs: number): number {
    checkPaceLimit(limit)
    const tat = tats.get(limit.key)
    return tat === undefined
      ? nowMs
      : Math.max(nowMs, tat - (limit.burst - 1) * (limit.periodMs / limit.count))
  }

  function book(limits: readonly PaceLimit[], slot: number, nowMs: number, deferred: boolean): DeferringSlot {
    const after = limits.map((limit) => {
      const tat = Math.max(tats.get(limit.key) ?? slot, slot) + limit.periodMs / limit.count
      tats.set(limit.key, tat)
      return tat
    })
    if (tats.size > sweepAt) sweep(nowMs)
    const result: DeferringSlot = { delayMs: slot - nowMs, deferred }
    booked.set(result, { limits, tats: after })
    return result
  }

  function reserveOrDefer(
    limits: readonly PaceLimit[],
    later: readonly PaceLimit[],
    maxHoleMs: number,
    nowMs: number,
  ): DeferringSlot {
    const slot = Math.max(nowMs, ...limits.map((limit) => earliestOf(limit, nowMs)))
    if (later.length === 0) return book(limits, slot, nowMs, false)
    const soonest = Math.max(nowMs, ...later.map((limit) => earliestOf(limit, nowMs)))
    if (slot - soonest > maxHoleMs) return book(limits, slot, nowMs, true)
    return book([...limits, ...later], Math.max(slot, soonest), nowMs, false)
  }

  return {
    get size() {
      return tats.size
    },
    reserve: (limits, nowMs) => reserveOrDefer(limits, [], 0, nowMs),
    reserveOrDefer,
    release(_limits, slot, nowMs) {
      // What the slot booked is known here; the limits passed are those the caller asked for.
      const booking = booked.get(slot)
      if (booking === undefined) return
      booked.delete(slot)
      booking.limits.forEach((limit, i) => {
        const after = booking.tats[i] as number
        if (tats.get(limit.key) !== after) return
        const tat = after - limit.periodMs / limit.count
        if (tat > nowMs) tats.set(limit.key, tat)
        else tats.delete(limit.key)
      })
    },
  }
}
