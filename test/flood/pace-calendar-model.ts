import fc from 'fast-check'
import type { PaceLimit } from '../../src/flood/pace-store.js'
import { burstViolation } from '../redis/pace-model.js'

const spacingOf = (limit: PaceLimit) => limit.periodMs / limit.count
/** The tolerance the stores allow at the touching point (decimal rounding), ms. */
const EPSILON_MS = 0.002

/**
 * The reference for calendar bookings, from the definition alone: every GCRA limit as one number
 * (its theoretical arrival time), every calendar limit as the plain list of every slot ever booked
 * on it. A send's slot is the first time, at or after both `now` and what its GCRA limits allow,
 * that lies at least a spacing from every booked slot; found by trying each candidate in turn
 * (that time itself, and a spacing after each booked slot), so no cleverness can hide a gap.
 */
export class CalendarModel {
  readonly tat: Record<string, number> = {}
  readonly booked: Record<string, number[]> = {}
  /** Per calendar, the end of the last send of several: no slot before it is offered (see `weight`). */
  readonly closed: Record<string, number> = {}

  /**
   * The slot a send would get now, without booking it. A send of several (`weight` > 1) goes after
   * every slot booked, as the stores define it.
   */
  slotFor(limits: readonly PaceLimit[], calendar: PaceLimit, now: number, weight = 1): number {
    let start = Math.max(now, this.closed[calendar.key] ?? now)
    for (const limit of limits) {
      const known = this.tat[limit.key]
      if (known !== undefined) start = Math.max(start, known - (limit.burst - 1) * spacingOf(limit))
    }
    const taken = this.booked[calendar.key] ?? []
    const spacing = spacingOf(calendar)
    if (weight > 1) return Math.max(start, ...taken.map((at) => at + spacing))
    const candidates = [start, ...taken.map((at) => at + spacing).filter((at) => at >= start)]
    candidates.sort((a, b) => a - b)
    const free = candidates.find((at) => taken.every((other) => Math.abs(at - other) >= spacing - EPSILON_MS))
    return free as number
  }

  /** Books a send at `now` (unless its slot lies past `maxDelayMs`); returns the delay and whether it booked. */
  reserve(
    limits: readonly PaceLimit[],
    calendar: PaceLimit,
    now: number,
    maxDelayMs = Number.POSITIVE_INFINITY,
    weight = 1,
  ): { delayMs: number; booked: boolean } {
    const slot = this.slotFor(limits, calendar, now, weight)
    if (slot - now > maxDelayMs) return { delayMs: slot - now, booked: false }
    for (const limit of limits) {
      this.tat[limit.key] = Math.max(this.tat[limit.key] ?? Number.NEGATIVE_INFINITY, slot) + spacingOf(limit)
    }
    const taken = this.booked[calendar.key] ?? []
    // A send of several as that many sends a spacing apart, for the checks of every window.
    for (let i = 0; i < weight; i++) taken.push(slot + i * spacingOf(calendar))
    this.booked[calendar.key] = taken
    if (weight > 1) this.closed[calendar.key] = slot + weight * spacingOf(calendar)
    return { delayMs: slot - now, booked: true }
  }
}

/** Whether any two slots of one evenly spaced limit lie closer than its spacing (less `slackMs`). */
export function spacingViolation(
  slots: readonly number[],
  limit: PaceLimit,
  slackMs = 0,
): string | undefined {
  const sorted = [...slots].sort((a, b) => a - b)
  for (let i = 1; i < sorted.length; i++) {
    const gap = (sorted[i] as number) - (sorted[i - 1] as number)
    if (gap < spacingOf(limit) - slackMs) return `${limit.key}: slots ${i - 1} and ${i} only ${gap} ms apart`
  }
  return undefined
}

/**
 * A bot's chats as a send books them: a few chats, each with its own GCRA limits (one a spacing,
 * some with a burst, some with a second, slower limit as a group's minute), and one bot-wide
 * calendar limit. Spacings are whole milliseconds so the stores' decimal text loses nothing.
 */
export const chatsArb = fc.record({
  calendar: fc
    .record({ count: fc.constantFrom(1, 2, 4, 5), periodMs: fc.constantFrom(1_000, 2_000, 5_000) })
    .map(({ count, periodMs }): PaceLimit => ({ key: 'bot1|pace|bot', count, periodMs, burst: 1 })),
  chats: fc.array(
    fc.record({
      spacingMs: fc.constantFrom(1_000, 2_000, 3_000, 7_000),
      burst: fc.integer({ min: 1, max: 3 }),
      minuteSpacingMs: fc.option(fc.constantFrom(4_000, 9_000), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
})

/** The GCRA limits of chat `index` of an arbitrary `chatsArb` value. */
export function chatLimits(
  chat: { spacingMs: number; burst: number; minuteSpacingMs: number | undefined },
  index: number,
): PaceLimit[] {
  const key = `bot1|pace|chat=${index}`
  const limits: PaceLimit[] = [{ key, count: 1, periodMs: chat.spacingMs, burst: chat.burst }]
  if (chat.minuteSpacingMs !== undefined) {
    limits.push({ key: `${key}|minute`, count: 1, periodMs: chat.minuteSpacingMs, burst: 2 })
  }
  return limits
}

/** The slots every limit was booked at, to check afterwards that no window of any limit is over. */
export class BookedSlots {
  private readonly slots = new Map<string, number[]>()

  /** Records a send booked `at`; a send of several counts as that many, a spacing apart, on the calendar. */
  add(limits: readonly PaceLimit[], calendar: PaceLimit, at: number, weight: number): void {
    for (const limit of limits) this.slots.set(limit.key, [...(this.slots.get(limit.key) ?? []), at])
    const counted = Array.from({ length: weight }, (_, i) => at + i * spacingOf(calendar))
    this.slots.set(calendar.key, [...(this.slots.get(calendar.key) ?? []), ...counted])
  }

  /** The first limit broken (a calendar's spacing, a GCRA limit's burst and rate), or `undefined`. */
  violation(calendar: PaceLimit, limits: readonly PaceLimit[]): string | undefined {
    const slack = 0.01
    return (
      spacingViolation(this.slots.get(calendar.key) ?? [], calendar, slack) ??
      limits.map((limit) => burstViolation(this.slots.get(limit.key) ?? [], limit, slack)).find(Boolean)
    )
  }
}
