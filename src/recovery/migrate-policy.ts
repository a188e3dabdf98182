import { isRpcError, type MigrateKind, migrateKindOf, type SeeOtherError } from '../error/rpc-error.js'
import { HookError } from './errors.js'
import { type CallContext, type Decision, PASS, type Policy, RETRY, STOP, stopWith } from './policy.js'

/** Migrations that move the account itself; the others only send one call elsewhere. */
const MOVES_HOME: ReadonlySet<MigrateKind> = new Set(['USER', 'PHONE', 'NETWORK'])

/** The slot of the DCs a call has been sent to, for loop detection. */
const VISITED = Symbol('visited DCs')

async function follow(call: CallContext, toDcId: number, kind: MigrateKind): Promise<Decision> {
  if (MOVES_HOME.has(kind)) {
    const moved = await call.settle(() => call.invoker.moveHome(toDcId, kind))
    if (moved === undefined) return STOP
    if (!moved.ok) {
      const failure = isRpcError(moved.error)
        ? moved.error
        : new HookError('onHomeDcChange', moved.error, call.method)
      call.annotate(failure, { giveUpReason: 'recovery-failed' })
      return stopWith(failure)
    }
  }
  call.dcId = toDcId
  return RETRY
}

/**
 * 303 SEE_OTHER: repeat the call on the DC named in the error. USER/PHONE/NETWORK_MIGRATE move the
 * account's home DC (remembered for later calls; `onHomeDcChange` runs once per move); FILE and
 * STATS_MIGRATE send only this call there. Bounded: at most `maxRedirects` per call, a redirect
 * back to a DC already visited is a loop, and a DC outside `knownDcIds` is not followed. The
 * official clients do none of the three; a misbehaving server must not be able to bounce a call
 * forever or point it anywhere.
 */
export const migratePolicy: Policy = {
  name: 'migrate',
  onFailure(call, failure) {
    if (!isRpcError(failure) || failure.category !== 'SEE_OTHER') return PASS
    const error = failure as SeeOtherError
    if (!call.handles('migrate')) {
      call.annotate(error, { giveUpReason: 'opted-out' })
      return STOP
    }
    const toDcId = error.params.dcId
    const kind = migrateKindOf(error.template)
    if (toDcId === undefined || kind === undefined || !call.invoker.knownDcIds.has(toDcId)) {
      call.annotate(error, { giveUpReason: 'unknown-dc' })
      return STOP
    }
    // Where this send went, not where home is now: a concurrent call may have moved home since, and
    // "go to the new home" would then look like a loop. Undefined: sent before home was known.
    const fromDcId = call.dcId
    const visited = call.slot(VISITED, (): number[] => (fromDcId === undefined ? [] : [fromDcId]))
    if (visited.includes(toDcId)) {
      call.annotate(error, { giveUpReason: 'redirect-loop' })
      return STOP
    }
    if (call.count('redirect') > call.limits.maxRedirects) {
      call.annotate(error, { giveUpReason: 'redirect-limit' })
      return STOP
    }
    visited.push(toDcId)
    const { events } = call.invoker
    if (events.has('migrate'))
      events.emit('migrate', { method: call.method, account: call.account, fromDcId, toDcId, kind, error })
    return follow(call, toDcId, kind)
  },
}
