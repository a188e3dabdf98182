import { RpcError } from '../error/rpc-error.js'
import type { FloodKeyScope } from '../flood/flood-key.js'
import type { Call, CallContext } from './call-context.js'
import type { Engine } from './engine.js'
import { floodWaitTypeForMs } from './flood-wait-type.js'
import type { Failure, Policy } from './policy.js'

/**
 * Every scope a window may have been recorded under. Before a send we cannot know which error would
 * come back, so the call is checked against each; `peer` and `phone` fall back to the method key
 * for calls without such a parameter.
 */
const SCOPES: readonly FloodKeyScope[] = ['account', 'method', 'peer', 'phone', 'params']

/** A flood window that covers a call. */
export interface OpenWindow {
  /** The flood key it was recorded under. */
  readonly key: string
  /** When it ends, epoch ms. */
  readonly untilMs: number
}

/**
 * The open flood window that would hold a call of `method` with `params` on `engine`'s account, if
 * any: the one that ends last among every scope's key. Used before each send, and by the account
 * pool to tell which account can run a call soonest.
 */
export function openFloodWindow(
  engine: Engine,
  method: string,
  params: unknown,
  nowMs: number,
): OpenWindow | undefined {
  const { store } = engine
  if (store.size === 0) return undefined
  const call = { account: engine.account, method, params }
  let open: OpenWindow | undefined
  const seen: string[] = []
  for (const scope of SCOPES) {
    const key = engine.floodKeyOf(call, scope)
    // `peer` and `phone` fall back to the method key; a store lookup hashes the whole key, so skip repeats.
    if (seen.includes(key)) continue
    seen.push(key)
    const until = store.get(key, nowMs)
    if (until !== undefined && until > nowMs && (open === undefined || until > open.untilMs)) {
      open = { key, untilMs: until }
    }
  }
  return open
}

function openWindow(call: CallContext): OpenWindow | undefined {
  return openFloodWindow(call.engine, call.method, call.params, call.engine.clock.now())
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
  const { clock, events, gate } = call.engine
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
    // The gate only knows the engine's own Call; a CallContext is always one.
    if (!(await gate.hold(call as Call, open.key, open.untilMs))) return undefined
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
    if (call.engine.store.size === 0) return undefined
    const open = openWindow(call)
    return open === undefined ? undefined : holdOrRefuse(call, open)
  },
}
