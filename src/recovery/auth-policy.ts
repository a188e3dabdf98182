import { isRpcError, type RpcError } from '../error/rpc-error.js'
import { HookError } from './errors.js'
import { type CallContext, type Decision, PASS, type Policy, RETRY, STOP, stopWith } from './policy.js'

function isHome(call: CallContext): boolean {
  return call.dcId === undefined || call.dcId === call.invoker.homeDcId
}

function sessionDead(call: CallContext, error: RpcError): Decision {
  const { events } = call.invoker
  if (events.has('sessionDead')) {
    events.emit('sessionDead', {
      method: call.method,
      account: call.account,
      dcId: call.dcId,
      reason: error.type ?? String(error.code),
      error,
    })
  }
  call.annotate(error, { sessionDead: true, giveUpReason: 'session-dead' })
  return STOP
}

/**
 * Runs a hook through the engine's single flight, then repeats the call. A hook's failure ends the
 * call with that failure, but is never taken for a logout: exporting or importing an authorization
 * can fail for many reasons (a flood, a network error) that leave the session intact.
 */
async function repairThenRepeat(
  call: CallContext,
  hook: 'authorizeOn' | 'bindTempKey',
  run: () => Promise<unknown>,
): Promise<Decision> {
  const settled = await call.settle(run)
  if (settled === undefined) return STOP
  if (settled.ok) return RETRY
  const failure = isRpcError(settled.error) ? settled.error : new HookError(hook, settled.error, call.method)
  call.annotate(failure, { giveUpReason: 'recovery-failed' })
  return stopWith(failure)
}

function cannotRepair(call: CallContext, error: RpcError): Decision {
  call.annotate(error, { giveUpReason: call.handles('auth') ? 'recovery-failed' : 'opted-out' })
  return STOP
}

/**
 * 401 UNAUTHORIZED, and the one 406 that ends a session:
 * - AUTH_KEY_UNREGISTERED on a DC that is not home: `authorizeOn(dcId)` (single flight per DC),
 *   then repeat; once per DC per call.
 * - AUTH_KEY_PERM_EMPTY: `bindTempKey(dcId)`, then repeat once.
 * - SESSION_PASSWORD_NEEDED: a login step (two-step verification), marked `loginStep`, never dead.
 * - SESSION_REVOKED, SESSION_EXPIRED, USER_DEACTIVATED(_BAN), AUTH_KEY_INVALID, AUTH_KEY_DUPLICATED
 *   (406) and any other 401 on the home DC: the authorization is lost. A `sessionDead` event, and
 *   no repeat.
 */
export const authPolicy: Policy = {
  name: 'auth',
  onFailure(call, failure) {
    if (!isRpcError(failure)) return PASS
    if (failure.category !== 'UNAUTHORIZED') {
      // AUTH_KEY_DUPLICATED arrives as a 406, which is otherwise an internal-category code.
      return failure.code === 406 && call.knowledge(failure).sessionDead ? sessionDead(call, failure) : PASS
    }
    const knowledge = call.knowledge(failure)
    if (knowledge.action === 'login-step') {
      call.annotate(failure, { loginStep: true, giveUpReason: 'login-step' })
      return STOP
    }
    const { invoker } = call
    const dcId = call.dcId
    if (failure.type === 'AUTH_KEY_UNREGISTERED' && dcId !== undefined && !isHome(call)) {
      if (
        !call.handles('auth') ||
        invoker.hooks.authorizeOn === undefined ||
        call.count(`authorize:${dcId}`) > 1
      ) {
        return cannotRepair(call, failure)
      }
      return repairThenRepeat(call, 'authorizeOn', () => invoker.authorize(dcId))
    }
    if (failure.type === 'AUTH_KEY_PERM_EMPTY') {
      if (!call.handles('auth') || invoker.hooks.bindTempKey === undefined || call.count('bindTempKey') > 1) {
        return cannotRepair(call, failure)
      }
      return repairThenRepeat(call, 'bindTempKey', () => invoker.bindTempKey(dcId))
    }
    if (knowledge.sessionDead || isHome(call)) return sessionDead(call, failure)
    call.annotate(failure, { giveUpReason: 'not-retryable' })
    return STOP
  },
}
