import { RpcError } from '../error/rpc-error.js'
import type { Failure } from './failure.js'
import { floodWaitTypeForMs } from './flood-wait-type.js'
import type { CallContext, OpenWindow, Policy } from './policy.js'

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
    const remainingMs = open.untilMs - clock.now()
    const handles = call.handles('flood')
    const fits = remainingMs <= call.limits.maxFloodWaitMs && open.untilMs < call.deadlineAt
    const willWait = handles && fits
    if (events.has('floodWindowHit')) {
      events.emit('floodWindowHit', {
        method: call.method,
        account: call.account,
        key: open.key,
        remainingMs,
        retryAt: open.untilMs,
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
      call.annotate(error, { retryAt: open.untilMs, fromStore: true, giveUpReason })
      return error
    }
    if (!(await call.holdUntil(open.key, open.untilMs))) return undefined
  }
  return undefined
}

/**
 * Before every send (the first and each repeat): if a flood window recorded earlier covers this
 * call, hold the call locally until the window ends, or, when the window is longer than the call's
 * budget, end it at once with a FloodError carrying `retryAt`. The server is not touched either way.
 *
 * While the store is empty this costs one property read, so the happy path stays free.
 */
export const floodGatePolicy: Policy = {
  name: 'floodGate',
  beforeSend(call) {
    if (call.invoker.floodStore.size === 0) return undefined
    const open = openWindow(call)
    return open === undefined ? undefined : holdOrRefuse(call, open)
  },
}
