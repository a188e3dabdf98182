import { Api, errors } from 'telegram'
import { isInstanceOf } from '../../error/foreign-value.js'
import { isRpcError, type RpcError } from '../../error/rpc-error.js'
import { NetworkError } from '../../recovery/errors.js'
import { transferDetails } from '../../recovery/recovery-details.js'
import type { RequestLike } from './client-internals.js'

/**
 * What the wrapped client throws: GramJS's own error object, so code written against GramJS
 * (`instanceof errors.FloodWaitError`, `error.seconds`, `error.errorMessage`) keeps working, with the
 * engine's details put on it (`detailsOf(error)`: attempts, `retryAt`, `field`, `userMessage`, ...).
 *
 * - An API error GramJS raised: that very object.
 * - An API error the engine made (a flood window still open, never sent): the object GramJS's own
 *   `RPCMessageToError` builds for it, so it is a `FloodWaitError` like any other.
 * - A network failure: what the sender threw.
 * - The engine's own outcomes (deadline, abort, `close()`): as they are; GramJS has no equivalent.
 */
export function toGramjsError(
  error: unknown,
  request: RequestLike,
  originals: WeakMap<RpcError, Error>,
): unknown {
  if (isRpcError(error)) {
    const theirs =
      originals.get(error) ??
      errors.RPCMessageToError(
        new Api.RpcError({ errorCode: error.code, errorMessage: error.type ?? error.errorMessage }),
        request as never,
      )
    transferDetails(error, theirs)
    return theirs
  }
  if (isInstanceOf(error, NetworkError) && typeof error.cause === 'object' && error.cause !== null) {
    transferDetails(error, error.cause)
    return error.cause
  }
  return error
}
