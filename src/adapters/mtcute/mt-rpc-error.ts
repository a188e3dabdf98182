import { readProperty } from '../../error/foreign-value.js'
import type { RpcError } from '../../error/rpc-error.js'
import { detailsOf } from '../../recovery/recovery-details.js'

/** An rpc_error as mtcute passes it between its network layers (`tl.mtproto.RawRpcError`). */
export interface MtRpcError {
  readonly _: 'mt_rpc_error'
  readonly errorCode: number
  readonly errorMessage: string
}

/** Whether a middleware result is an rpc_error (mtcute resolves with these rather than throwing). */
export function isMtRpcError(value: unknown): value is MtRpcError {
  // A result whose reading throws (a Proxy's trap) is a result, not an rpc_error.
  return readProperty(value, '_') === 'mt_rpc_error'
}

/**
 * Our error as the rpc_error mtcute's middlewares return, from which mtcute builds its own
 * `tl.RpcError` (`RpcError.fromTl`) for the caller: the wire text as received, so nothing is lost
 * on the way back. A flood window refused locally carries its type alone, so mtcute parses the
 * seconds as it would from the server.
 */
export function toMtRpcError(error: RpcError): MtRpcError {
  const errorMessage =
    detailsOf(error)?.fromStore === true ? (error.type ?? error.errorMessage) : error.errorMessage
  return { _: 'mt_rpc_error', errorCode: error.code, errorMessage }
}
