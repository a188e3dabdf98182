import { isDeferringPaceStore } from '../../flood/local-pace-schedule.js'
import type { PaceLimit, PaceSlot, PaceStore } from '../../flood/pace-store.js'
import type { Emitter } from '../../recovery/events.js'
import type { CallContext, Policy } from '../../recovery/policy.js'
import { type BotApiLimits, botPaceLimits } from './bot-limits.js'
import type { BotApiEvents } from './events.js'

/** The name of the pacing policy: `handle: { pace: false }` on a call sends it unpaced. */
export const BOT_PACE_POLICY = 'pace'

/**
 * How far past the bot's own next slot a chat's slot may lie before the bot's limit is booked
 * later, at the chat's slot, in a second reservation: about three of the bot's 30-a-second slots.
 */
const BOT_HOLE_MS = 100

/** What the pacing policy of one transformer needs. */
export interface BotPaceOptions {
  readonly limits: Required<BotApiLimits>
  /** Where slots are booked: a shared store paces the whole fleet, a local one this process. */
  readonly store: PaceStore
  readonly events: Emitter<BotApiEvents>
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/**
 * Gives a slot back to the store, never failing the call for it: a release is best effort, and
 * one that did not happen only spaces one later send more than needed.
 */
function giveBack(store: PaceStore, limits: readonly PaceLimit[], slot: PaceSlot, nowMs: number): void {
  try {
    const released = store.release?.(limits, slot, nowMs)
    if (isThenable(released)) released.then(undefined, () => undefined)
  } catch {
    // Best effort, as above.
  }
}

/**
 * Before every send of a message (the first and each repeat, since a repeat is one more message
 * the server counts): books a slot under the bot's and the chat's limits and waits for it. A call
 * that ends while waiting (deadline, signal, `close()`) gives its slot back. A store that fails is
 * reported as `storeError` and the call goes on unpaced rather than failing for it.
 */
export function botPacePolicy(options: BotPaceOptions): Policy {
  const { store, events } = options

  /**
   * Books `limits` (and `later`, unless the store defers them) and waits for the slot. Returns
   * whether `later` still has to be booked, or `undefined` when the call ended or the store failed.
   */
  async function book(
    call: CallContext,
    limits: PaceLimit[],
    later: PaceLimit[],
  ): Promise<{ deferred: boolean } | undefined> {
    const clock = call.invoker.clock
    const asked = later.length === 0 ? limits : [...limits, ...later]
    let booking: (PaceSlot & { deferred?: boolean }) | PromiseLike<PaceSlot & { deferred?: boolean }>
    try {
      booking =
        later.length > 0 && isDeferringPaceStore(store)
          ? store.reserveOrDefer(limits, later, BOT_HOLE_MS, clock.now())
          : store.reserve(asked, clock.now())
    } catch (error) {
      reportStoreError(call, asked, error)
      return undefined
    }
    const settled = isThenable(booking) ? await call.settle(booking) : { ok: true as const, value: booking }
    if (settled === undefined) {
      // The call ended while the store was booking: give the slot back once it arrives.
      if (isThenable(booking)) {
        booking.then(
          (slot) => giveBack(store, asked, slot, clock.now()),
          () => undefined,
        )
      }
      return undefined
    }
    if (!settled.ok) {
      reportStoreError(call, asked, settled.error)
      return undefined
    }
    const slot = settled.value
    const storeError = (slot as { storeError?: unknown }).storeError
    if (storeError !== undefined) reportStoreError(call, asked, storeError)
    if (slot.delayMs > 0) {
      if (events.has('paced')) {
        events.emit('paced', {
          method: call.method,
          chatId: (call.params as { chat_id?: unknown } | null | undefined)?.chat_id,
          keys: asked.map((limit) => limit.key),
          delayMs: slot.delayMs,
        })
      }
      if (!(await call.sleep(slot.delayMs))) {
        giveBack(store, asked, slot, clock.now())
        return undefined
      }
    }
    return { deferred: slot.deferred === true && later.length > 0 }
  }

  /**
   * The chat's limits first, with the bot's booked in the same round trip unless the chat's slot
   * is far off: then the bot's slot is booked when the chat's comes, so a message held by its
   * chat does not hold the bot's slots (and every other chat's messages) until then.
   */
  async function pace(call: CallContext, limits: PaceLimit[]): Promise<undefined> {
    const [bot, ...chat] = limits as [PaceLimit, ...PaceLimit[]]
    if (chat.length === 0) {
      await book(call, [bot], [])
      return undefined
    }
    const first = await book(call, chat, [bot])
    if (first?.deferred === true) await book(call, [bot], [])
    return undefined
  }

  function reportStoreError(call: CallContext, limits: readonly PaceLimit[], error: unknown): void {
    const sink = call.invoker.events
    if (sink.has('storeError')) sink.emit('storeError', { key: limits[0]?.key ?? '', error })
  }

  return {
    name: BOT_PACE_POLICY,
    beforeSend(call) {
      const limits = botPaceLimits(options.limits, call.account, call.method, call.params)
      if (limits === undefined || !call.handles(BOT_PACE_POLICY)) return undefined
      return pace(call, limits)
    },
  }
}
