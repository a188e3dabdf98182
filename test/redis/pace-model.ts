import fc from 'fast-check'
import type { PaceLimit } from '../../src/flood/pace-store.js'

const spacing = (limit: PaceLimit) => limit.periodMs / limit.count

/**
 * The reference for pacing tests, written from the definition and nothing else: a GCRA with
 * reservations over several limits, on an explicit clock. Deliberately naive (a plain object of
 * TATs, no expiry, no validation) so that it is easy to believe.
 */
export class PaceModel {
  readonly tat: Record<string, number> = {}

  /** Books a slot at `now` for `limits`; returns the delay. */
  reserve(limits: readonly PaceLimit[], now: number): number {
    const slot = this.slotFor(limits, now)
    this.book(limits, slot)
    return slot - now
  }

  private slotFor(limits: readonly PaceLimit[], now: number): number {
    let slot = now
    for (const limit of limits) {
      const known = this.tat[limit.key]
      if (known !== undefined) slot = Math.max(slot, known - (limit.burst - 1) * spacing(limit))
    }
    return slot
  }

  private book(limits: readonly PaceLimit[], slot: number): void {
    for (const limit of limits) {
      this.tat[limit.key] = Math.max(this.tat[limit.key] ?? -Infinity, slot) + spacing(limit)
    }
  }
}

/**
 * The property GCRA exists for, checked on absolute send times of one limit: any `k` sends after a
 * given one (k >= burst) span at least `(k - burst + 1) * T`, so at most `burst` leave together and
 * then one per T. Returns the first violation found, or `undefined`. `slackMs` absorbs measurement.
 */
export function burstViolation(
  sendTimes: readonly number[],
  limit: PaceLimit,
  slackMs = 0,
): string | undefined {
  const spacing = limit.periodMs / limit.count
  const sorted = [...sendTimes].sort((a, b) => a - b)
  for (let i = 0; i < sorted.length; i++) {
    for (let k = limit.burst; i + k < sorted.length; k++) {
      const span = (sorted[i + k] as number) - (sorted[i] as number)
      const least = (k - limit.burst + 1) * spacing
      if (span < least - slackMs)
        return `sends ${i}..${i + k} of ${limit.key} span ${span} ms, under ${least} ms`
    }
  }
  return undefined
}

/** Up to three limits with distinct keys, as a send checks them (bot, chat, group). */
export const limitsArb = fc
  .uniqueArray(
    fc.record({
      key: fc.constantFrom('bot1', 'bot1|chat=5', 'bot1|chat=-7', 'bot2'),
      count: fc.integer({ min: 1, max: 10 }),
      periodMs: fc.integer({ min: 5_000, max: 60_000 }),
      burst: fc.integer({ min: 1, max: 4 }),
    }),
    { minLength: 1, maxLength: 3, selector: (limit) => limit.key },
  )
  .map((limits) => limits as PaceLimit[])
