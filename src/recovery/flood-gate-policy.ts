import { RpcError } from '../error/rpc-error.js'
import type { Failure } from './failure.js'
import { floodWaitTypeForMs } from './flood-wait-type.js'
import { type CallContext, type OpenWindow, PASS, type Policy } from './policy.js'

function openWindow(call: CallContext): OpenWindow | undefined {
  const { invoker } = call
  return invoker.openFloodWindow(call.method, call.params, invoker.clock.now())
}

/** A FloodError made here, for a call that was not sent because its window is still open. */
function heldError(remainingMs: number): RpcError {
  return RpcError.from({
    code: 420,
    type: floodWaitTypeForMs(remainingMs),
    description: 'not sent: a flood window recorded earlier is still open',
  })
}

async function holdOrRefuse(call: CallContext, first: OpenWindow): Promise<Failure | undefined> {
  const { clock, events } = call.invoker
  for (let open: OpenWindow | undefined = first; open !== undefined; open = openWindow(call)) {
    const remainingMs = open.endsAt - clock.now()
    const handles = call.handles('flood')
    const fits = remainingMs <= call.limits.maxFloodWaitMs && open.endsAt < call.deadlineAt
    const willWait = handles && fits
    if (events.has('floodWindowHit')) {
      events.emit('floodWindowHit', {
        method: call.method,
        account: call.account,
        key: open.key,
        remainingMs,
        retryAt: open.endsAt,
        willWait,
      })
    }
    if (!willWait) {
      const error = heldError(remainingMs)
      const giveUpReason = !handles
        ? 'opted-out'
        : remainingMs > call.limits.maxFloodWaitMs
          ? 'flood-wait-too-long'
          : 'deadline'
      call.annotate(error, { retryAt: open.endsAt, fromStore: true, giveUpReason })
      return error
    }
    if (!(await call.holdUntil(open.key, open.endsAt))) return undefined
  }
  return undefined
}

/**
 * Holds the call through open windows, then waits for its paced turn; after the turn, a window
 * opened meanwhile (the probe was refused, another process recorded one) sends it round again.
 * Every round waits for a window or a turn, so the loop is bounded by the call's deadline.
 */
async function gateAndPace(call: CallContext, first: OpenWindow | undefined): Promise<Failure | undefined> {
  const { invoker } = call
  for (let open = first; ; open = invoker.floodStore.size === 0 ? undefined : openWindow(call)) {
    if (open !== undefined) {
      const refused = await holdOrRefuse(call, open)
      if (refused !== undefined || call.ended) return refused
    }
    const turn = invoker.pacing.turn(call)
    if (!(turn === true || (await turn)) || call.ended) return undefined
    if (invoker.floodStore.size === 0 || openWindow(call) === undefined) return undefined
    // The turn is spent on a key that is closed again: give back the place it holds in flight.
    invoker.pacing.sent(call, false)
  }
}

/**
 * Before every send (the first and each repeat): if a flood window recorded earlier covers this
 * call, hold the call locally until the window ends, or, when the window is longer than the call's
 * budget, end it at once with a FloodError carrying `retryAt`. The server is not touched either way.
 * Then, on a key whose pace was learned (or a flood-prone method in slow start), the call waits for
 * its turn: interactive calls first, at the key's pace, a probe first after a window.
 *
 * While the store is empty and the method is not paced this costs a property read and a set
 * lookup, so the happy path stays free.
 */
export const floodGatePolicy: Policy = {
  name: 'floodGate',
  beforeSend(call) {
    const { invoker } = call
    const open = invoker.floodStore.size === 0 ? undefined : openWindow(call)
    // A window met here first (another process's, on a shared store) paces its key from now on.
    if (open !== undefined) invoker.pacing.joinWindow(call, open)
    const paced = invoker.pacing.concerns(call.method)
    if (open === undefined && !paced) return undefined
    if (!paced) return holdOrRefuse(call, open as OpenWindow)
    return gateAndPace(call, open)
  },
  onSuccess(call) {
    const { pacing } = call.invoker
    if (pacing.enabled) pacing.sent(call, true)
  },
  onFailure(call) {
    const { pacing } = call.invoker
    if (pacing.enabled) pacing.sent(call, false)
    return PASS
  },
}
