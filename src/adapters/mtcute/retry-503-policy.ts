import { isRpcError } from '../../error/rpc-error.js'
import { PASS, type Policy, STOP } from '../../recovery/policy.js'

/** The `handle` switch that turns the repeat of -503 Timeout off for one call. */
export const RETRY_503 = 'retry503'

/**
 * mtcute's `throw503` call option: some methods (`messages.getBotCallbackAnswer`) answer -503 when
 * a bot upstream did not reply, and repeating only makes the user wait longer. With the switch off
 * the -503 ends the call; placed before the retry policy, which would otherwise repeat it.
 */
export const retry503Policy: Policy = {
  name: RETRY_503,
  onFailure(call, failure) {
    if (!isRpcError(failure) || failure.code !== -503 || call.handles(RETRY_503)) return PASS
    call.annotate(failure, { giveUpReason: 'opted-out' })
    return STOP
  },
}
