import { isRpcError, type RpcError } from '../error/rpc-error.js'
import { HookError } from './errors.js'
import { type CallContext, type Decision, PASS, type Policy, RETRY, STOP, stopWith } from './policy.js'

function isHome(call: CallContext): boolean {
  return call.dcId === undefined || call.dcId === call.invoker.homeDcId
}

/** Calls whose success is a login: the key is authorized from then on. */
const LOGIN_METHODS: ReadonlySet<string> = new Set([
  'auth.signIn',
  'auth.signUp',
  'auth.checkPassword',
  'auth.recoverPassword',
  'auth.importBotAuthorization',
  'auth.importAuthorization',
  'auth.importWebTokenAuthorization',
])

/**
 * Namespaces Telegram serves to a key that is not logged in (the sign-in flow, configuration,
 * translations): their success proves no login. Neither does that of a method without a namespace
 * (`initConnection`, `invokeWithLayer`, `ping`), nor `account.getPassword`, which a client calls in
 * the middle of a two-step login.
 */
const LOGGED_OUT_NAMESPACES: ReadonlySet<string> = new Set(['auth', 'help', 'langpack'])
const LOGGED_OUT_METHODS: ReadonlySet<string> = new Set(['account.getPassword'])

/** Whether a successful `method` shows that the key is logged in. */
export function provesLogin(method: string): boolean {
  if (LOGIN_METHODS.has(method)) return true
  const dot = method.indexOf('.')
  if (dot <= 0) return false
  return !LOGGED_OUT_NAMESPACES.has(method.slice(0, dot)) && !LOGGED_OUT_METHODS.has(method)
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

/**
 * A 401 before any login held: a fresh client asks (`updates.getState` for GramJS,
 * `users.getUsers` for mtcute) before it signs in and gets AUTH_KEY_UNREGISTERED. The call fails
 * with that 401 as it came; nothing was lost, so no `sessionDead` (an alert on it would ring at
 * every start).
 */
function notAuthorized(call: CallContext, error: RpcError): Decision {
  call.annotate(error, { giveUpReason: 'not-authorized' })
  return STOP
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
 *   (406): the authorization is lost. A `sessionDead` event, and no repeat.
 * - Any other 401 on the home DC: lost too (`sessionDead`) once a login held on this invoker;
 *   before that, the client is simply not logged in yet (`not-authorized`, no event).
 *
 * A login holds from `options.authorized`, or from the success of a sign-in call or of any call
 * that needs a login ({@link provesLogin}), on any DC; `auth.logOut` ends it.
 */
export const authPolicy: Policy = {
  name: 'auth',
  onSuccess(call) {
    const { invoker } = call
    if (call.method === 'auth.logOut') invoker.authorized = false
    else if (!invoker.authorized && provesLogin(call.method)) invoker.authorized = true
  },
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
    if (knowledge.sessionDead) return sessionDead(call, failure)
    if (isHome(call))
      return call.invoker.authorized ? sessionDead(call, failure) : notAuthorized(call, failure)
    call.annotate(failure, { giveUpReason: 'not-retryable' })
    return STOP
  },
}
