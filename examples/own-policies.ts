import {
  type CallContext,
  type Failure,
  FloodError,
  PASS,
  type Policy,
  RETRY,
  RpcError,
  STOP,
  stopWith,
} from '../src/index.js'

/** Counts a flood window against the method, for every account sharing the store. */
function keyOf(call: CallContext): string {
  return call.invoker.floodKeyOf(call, 'method')
}

/** The window still open on this call's key, as a FloodError the caller can read, or nothing. */
async function waitOrRefuse(call: CallContext, key: string, endsAt: number): Promise<Failure | undefined> {
  const { clock, floodStore } = call.invoker
  for (let until: number | undefined = endsAt; until !== undefined && until > clock.now(); ) {
    if (until >= call.deadlineAt) {
      // Longer than the call may wait: refuse without touching the server.
      const seconds = Math.ceil((until - clock.now()) / 1000)
      return RpcError.from(420, `FLOOD_WAIT_${seconds}`)
    }
    // Every call held on one key shares one timer; `false`: the call ended (abort, deadline, close).
    if (!(await call.holdUntil(key, until))) return undefined
    // Another process sharing the store may have extended the window meanwhile: look again.
    until = floodStore.get(key, clock.now())
  }
  return undefined
}

/**
 * FLOOD_WAIT_X, remembered: the window goes to the flood store (shared by every invoker and, with
 * the Redis store, every process), later calls of the method are held until it ends instead of
 * being sent into it, and each wait is a `floodWait` event.
 */
export const rememberFloodWaits: Policy = {
  name: 'rememberFloodWaits',
  beforeSend(call) {
    const { clock, floodStore } = call.invoker
    // An empty store answers synchronously: the happy path pays no promise.
    if (floodStore.size === 0) return undefined
    const key = keyOf(call)
    const until = floodStore.get(key, clock.now())
    return until === undefined ? undefined : waitOrRefuse(call, key, until)
  },
  onFailure(call, failure) {
    if (!(failure instanceof FloodError) || failure.template !== 'FLOOD_WAIT_%d') return PASS
    const seconds = failure.seconds ?? 0
    const { clock, events, minFloodWaitMs } = call.invoker
    const now = clock.now()
    const endsAt = now + Math.max(seconds * 1000, minFloodWaitMs)
    const key = keyOf(call)
    call.invoker.recordFlood(key, endsAt, now)
    const willWait = endsAt < call.deadlineAt && call.count('rememberFloodWaits') <= 3
    if (events.has('floodWait')) {
      events.emit('floodWait', {
        method: call.method,
        account: call.account,
        dcId: call.dcId,
        key,
        error: failure,
        waitMs: endsAt - now,
        retryAt: endsAt,
        willWait,
      })
    }
    if (!willWait) {
      call.annotate(failure, { retryAt: endsAt, giveUpReason: 'flood-wait-too-long' })
      return STOP
    }
    return call.holdUntil(key, endsAt).then((released) => (released ? RETRY : STOP))
  },
}

/**
 * USER_MIGRATE_X: the account lives on another DC now. Move home there (once, however many calls
 * hear it at the same time: `moveHome` runs `onHomeDcChange` once per move) and repeat the call
 * there. Bounded: known DCs only, two moves per call.
 */
export const followAccountHome: Policy = {
  name: 'followAccountHome',
  async onFailure(call, failure) {
    if (!RpcError.is(failure, 'USER_MIGRATE_%d')) return PASS
    const toDcId = failure.params.dcId
    if (!call.invoker.knownDcIds.has(toDcId) || call.count('followAccountHome') > 2) {
      call.annotate(failure, { giveUpReason: 'unknown-dc' })
      return STOP
    }
    const moved = await call.settle(() => call.invoker.moveHome(toDcId, 'USER'))
    if (moved === undefined) return STOP // the call ended while the hook ran
    if (!moved.ok) return stopWith(RpcError.tryFrom(moved.error) ?? failure)
    call.dcId = toDcId
    return RETRY
  },
}
