import { isRpcError } from '../error/rpc-error.js'
import { backoffDelay } from './backoff.js'
import { NetworkError } from './errors.js'
import { PASS, type Policy, RETRY, STOP } from './policy.js'

/**
 * 500 INTERNAL, every code the protocol does not list (-503 Timeout included), and transport
 * failures: repeat with exponential backoff and jitter (`baseDelayMs` doubling to `maxDelayMs`),
 * at most `maxAttempts` failed sends, and never past the deadline: a retry that could not finish
 * in time is not started, and the last error is thrown at once. WORKER_BUSY_TOO_LONG_RETRY waits
 * its fixed short delay instead. Types that repeating cannot fix (406s, AUTH_KEY_DUPLICATED, and
 * whatever the catalogue marks so) are not repeated.
 *
 * Placed last in the default chain: it is the catch-all for failures no specific policy claimed.
 */
export const retryPolicy: Policy = {
  name: 'retry',
  onFailure(call, failure) {
    const fromApi = isRpcError(failure)
    if (fromApi ? failure.category !== 'INTERNAL' : !(failure instanceof NetworkError)) return PASS
    let fixedDelayMs: number | undefined
    if (fromApi) {
      const knowledge = call.knowledge(failure)
      // 406: the server has decided, and a service notification tells the user; repeating changes nothing.
      if (failure.code === 406 || knowledge.action === 'do-not-retry' || knowledge.action === 'reauthorize') {
        call.annotate(failure, { giveUpReason: 'not-retryable' })
        return STOP
      }
      fixedDelayMs = knowledge.retryDelayMs
    }
    if (!call.handles('retry')) {
      call.annotate(failure, { giveUpReason: 'opted-out' })
      return STOP
    }
    const failures = call.count('retry')
    if (failures >= call.limits.maxAttempts) {
      call.annotate(failure, { giveUpReason: 'attempts-exhausted' })
      return STOP
    }
    const { random, events } = call.invoker
    const delayMs = fixedDelayMs ?? backoffDelay(failures, call.limits, random)
    if (delayMs >= call.remainingMs()) {
      call.annotate(failure, { giveUpReason: 'deadline' })
      return STOP
    }
    if (events.has('retry')) {
      events.emit('retry', {
        method: call.method,
        account: call.account,
        dcId: call.dcId,
        attempt: call.attempt,
        delayMs,
        error: failure,
      })
    }
    return call.sleep(delayMs).then((slept) => (slept ? RETRY : STOP))
  },
}
