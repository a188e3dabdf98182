import { type CalendarSlot, isCalendarPaceStore } from '../../flood/pace-calendar.js'
import type { PaceLimit, PaceSlot, PaceStore } from '../../flood/pace-store.js'
import type { Emitter } from '../../recovery/events.js'
import type { Failure } from '../../recovery/failure.js'
import type { CallContext, Policy } from '../../recovery/policy.js'
import { BookingOrder } from './booking-order.js'
import { type BotApiLimits, botPaceLimits, messagesPosted } from './bot-limits.js'
import type { BotApiEvents } from './events.js'
import { PaceDeadlineError } from './pace-deadline-error.js'
import { Seats } from './seats.js'

/** The name of the pacing policy: `handle: { pace: false }` (or `pace: false`) on a call sends it unpaced. */
export const BOT_PACE_POLICY = 'pace'

/** What the pacing policy of one transformer needs. */
export interface BotPaceOptions {
  readonly limits: Required<BotApiLimits>
  /** Where slots are booked: a shared store paces the whole fleet, a local one this process. */
  readonly store: PaceStore
  readonly events: Emitter<BotApiEvents>
}

/** See `inFlight` in {@link botPacePolicy}. */
const BOOKINGS_IN_FLIGHT = 4

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/**
 * Gives a slot back to the store, never failing the call for it: a release is best effort, and
 * one that did not happen only spaces one later send more than needed.
 */
function bestEffort(release: () => unknown): void {
  try {
    const released = release()
    if (isThenable(released)) released.then(undefined, () => undefined)
  } catch {
    // Best effort, as above.
  }
}

/**
 * Before every send of a message (the first and each repeat, since a repeat is one more message
 * the server counts): books a slot under the bot's and the chat's limits and waits for it. A call
 * whose slot lies past its deadline ends at once with a {@link PaceDeadlineError} and keeps no slot;
 * a call that ends while waiting (deadline, signal, `close()`) gives its slot back. A store that
 * fails is reported as `storeError` and the call goes on unpaced rather than failing for it.
 */
export function botPacePolicy(options: BotPaceOptions): Policy {
  const { store, events } = options
  const onCalendar = isCalendarPaceStore(store)
  /**
   * Bulk messages holding a booked slot, about a second's worth of the bot's pace. Slots are handed
   * out in the order asked for, so a broadcast that booked a thousand slots at once would put every
   * reply behind all of them; with seats it keeps the bot's pace full, and a reply books behind at
   * most those (per process sharing the store), not behind the whole broadcast.
   */
  const bulkSeats = new Seats(options.limits.botPerSecond)
  const order = new BookingOrder()
  /**
   * Bookings in flight to the store. Processes sharing a store are served in the order their
   * bookings arrive: one that sends all of its at once takes the bot's first slots wholesale, and
   * a process a few milliseconds later (with the groups, whose chains of one a second must start
   * early) finds them gone. A few at a time interleaves the processes at the store, at no cost in
   * round trips. Measured, 4 processes: makespan 1.08-1.18 of the bound with it, 1.51-1.89 without.
   */
  const inFlight = new Seats(BOOKINGS_IN_FLIGHT)

  /**
   * Asks the store for a slot, in one round trip. On a calendar store the bot's limit is a
   * calendar: the chat's limits decide the earliest slot and the bot's first free slot from there
   * is taken, so a group's message booked a second ahead leaves the bot's earlier slots to other
   * chats. The slot is booked only within the call's remaining budget.
   */
  function book(call: CallContext, limits: PaceLimit[], maxDelayMs: number | undefined) {
    const now = call.invoker.clock.now()
    if (!onCalendar) return store.reserve(limits, now)
    const [bot, ...chat] = limits as [PaceLimit, ...PaceLimit[]]
    const weight = messagesPosted(call.method, call.params)
    return store.reserveOnCalendar(
      {
        limits: chat,
        // One message's spacing; the send counts `weight` of them.
        calendar: { ...bot, count: bot.count * weight },
        weight,
        ...(maxDelayMs !== undefined && { maxDelayMs }),
      },
      now,
    )
  }

  function giveBack(limits: readonly PaceLimit[], slot: PaceSlot, now: number): void {
    if (onCalendar) bestEffort(() => store.releaseOnCalendar(slot as CalendarSlot, now))
    else bestEffort(() => store.release?.(limits, slot, now))
  }

  async function pace(call: CallContext, limits: PaceLimit[]): Promise<Failure | undefined> {
    // The chat's limit (the bot's alone when there is no chat) names the chat.
    if (!(await order.turn(call, (limits[1] ?? limits[0])?.key ?? ''))) return undefined
    const clock = call.invoker.clock
    const remainingMs = call.remainingMs()
    const maxDelayMs = Number.isFinite(remainingMs) ? Math.max(0, remainingMs) : undefined
    let booking: PaceSlot | PromiseLike<PaceSlot>
    if (!(await inFlight.take(call))) return undefined
    try {
      booking = book(call, limits, maxDelayMs)
    } catch (error) {
      inFlight.give()
      reportStoreError(call, limits, error)
      return undefined
    }
    if (isThenable(booking))
      booking.then(
        () => inFlight.give(),
        () => inFlight.give(),
      )
    else inFlight.give()
    const askedAt = clock.now()
    const settled = isThenable(booking) ? await call.settle(booking) : { ok: true as const, value: booking }
    if (settled === undefined) {
      // The call ended while the store was booking: give the slot back once it arrives.
      if (isThenable(booking)) {
        booking.then(
          (slot) => giveBack(limits, slot, clock.now()),
          () => undefined,
        )
      }
      return undefined
    }
    if (!settled.ok) {
      reportStoreError(call, limits, settled.error)
      return undefined
    }
    const slot = settled.value
    const storeError = (slot as { storeError?: unknown }).storeError
    if (storeError !== undefined) reportStoreError(call, limits, storeError)
    const tooLate =
      (slot as Partial<CalendarSlot>).booked === false ||
      (maxDelayMs !== undefined && slot.delayMs > maxDelayMs)
    if (tooLate) {
      // A store without bounded bookings booked it anyway: give it back.
      if ((slot as Partial<CalendarSlot>).booked !== false) giveBack(limits, slot, clock.now())
      return new PaceDeadlineError(call.method, call.limits.deadlineMs, askedAt + slot.delayMs, slot.delayMs)
    }
    if (!(slot.delayMs > 0)) return undefined
    if (events.has('paceWait')) {
      events.emit('paceWait', {
        method: call.method,
        chatId: (call.params as { chat_id?: unknown } | null | undefined)?.chat_id,
        keys: limits.map((limit) => limit.key),
        delayMs: slot.delayMs,
      })
    }
    if (!(await call.sleep(slot.delayMs))) giveBack(limits, slot, clock.now())
    return undefined
  }

  /** A bulk message books only with a seat, held until it leaves (see `bulkSeats`). */
  async function paceBulk(call: CallContext, limits: PaceLimit[]): Promise<Failure | undefined> {
    if (!(await bulkSeats.take(call))) return undefined
    try {
      return await pace(call, limits)
    } finally {
      bulkSeats.give()
    }
  }

  function reportStoreError(call: CallContext, limits: readonly PaceLimit[], error: unknown): void {
    const sink = call.invoker.events
    if (sink.has('storeError'))
      sink.emit('storeError', { account: call.account, key: limits[0]?.key ?? '', error })
  }

  return {
    name: BOT_PACE_POLICY,
    beforeSend(call) {
      const limits = botPaceLimits(options.limits, call.account, call.method, call.params)
      if (limits === undefined || !call.handles(BOT_PACE_POLICY) || call.options?.pace === false)
        return undefined
      return call.options?.priority === 'bulk' ? paceBulk(call, limits) : pace(call, limits)
    },
  }
}
