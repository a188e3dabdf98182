import type { PaceLimit, PaceSlot, PaceStore } from '../../flood/pace-store.js'
import type { Emitter } from '../../recovery/events.js'
import type { CallContext, Policy } from '../../recovery/policy.js'
import { type BotApiLimits, botPaceLimits } from './bot-limits.js'
import type { BotApiEvents } from './events.js'

/** The name of the pacing policy: `handle: { pace: false }` on a call sends it unpaced. */
export const BOT_PACE_POLICY = 'pace'

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
   * Books the chat's limits and the bot's together, in one round trip, and waits for the slot.
   * (Leaving the bot's for later when the chat's slot is far off, with `reserveOrDefer`, keeps
   * the bot's slots free for other chats; but a message that then finds the bot busy leaves after
   * its chat's slot and crowds the chat's next one: measured, 3 refusals per group. Not used until
   * that is solved.)
   */
  async function pace(call: CallContext, limits: PaceLimit[]): Promise<undefined> {
    const clock = call.invoker.clock
    let booking: PaceSlot | PromiseLike<PaceSlot>
    try {
      booking = store.reserve(limits, clock.now())
    } catch (error) {
      reportStoreError(call, limits, error)
      return undefined
    }
    const settled = isThenable(booking) ? await call.settle(booking) : { ok: true as const, value: booking }
    if (settled === undefined) {
      // The call ended while the store was booking: give the slot back once it arrives.
      if (isThenable(booking)) {
        booking.then(
          (slot) => giveBack(store, limits, slot, clock.now()),
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
    if (!(slot.delayMs > 0)) return undefined
    if (events.has('paced')) {
      events.emit('paced', {
        method: call.method,
        chatId: (call.params as { chat_id?: unknown } | null | undefined)?.chat_id,
        keys: limits.map((limit) => limit.key),
        delayMs: slot.delayMs,
      })
    }
    if (!(await call.sleep(slot.delayMs))) giveBack(store, limits, slot, clock.now())
    return undefined
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
      if (limits === undefined || !call.handles(BOT_PACE_POLICY)) return undefined
      return pace(call, limits)
    },
  }
}
