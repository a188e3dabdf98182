/**
 * GramJS's sender handles a `msg_container` by processing its messages in a loop, and its
 * `rpc_result` handler throws right after rejecting a call with an `rpc_error`: the throw ends the
 * loop, so every later answer in the same container is dropped and those calls never settle.
 * Telegram (and our testkit) put answers that are ready together into one container, so a burst
 * that meets FLOOD_WAIT loses all but the first refusal. This replaces the container handler of
 * each sender the adapter uses with one that processes every message, then rethrows the first
 * failure so GramJS's receive loop sees what it saw before (it reacts to AUTH_KEY_UNREGISTERED).
 */

/** msg_container#73f1f8dc, as the key of GramJS's handler table. */
const MSG_CONTAINER_ID = String(0x73f1f8dc)

interface ReceivingSender {
  _handlers?: Record<string, (message: unknown) => Promise<void>>
  _processMessage?: (message: unknown) => Promise<void>
}

const patched = new WeakSet<object>()

/** Makes `sender` deliver every answer of a container, whatever comes first. Idempotent. */
export function keepWholeContainers(sender: object): void {
  if (patched.has(sender)) return
  patched.add(sender)
  const receiving = sender as ReceivingSender
  const handlers = receiving._handlers
  const process = receiving._processMessage
  if (handlers === undefined || typeof process !== 'function' || handlers[MSG_CONTAINER_ID] === undefined)
    return
  handlers[MSG_CONTAINER_ID] = async (message: unknown) => {
    let firstFailure: { error: unknown } | undefined
    for (const inner of (message as { obj: { messages: unknown[] } }).obj.messages) {
      try {
        await process.call(sender, inner)
      } catch (error) {
        firstFailure ??= { error }
      }
    }
    if (firstFailure !== undefined) throw firstFailure.error
  }
}
