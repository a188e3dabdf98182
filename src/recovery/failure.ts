import type { RpcError } from '../error/rpc-error.js'
import type { RecoveryError } from './errors.js'

/**
 * A failed attempt, as a value: an error from the API, or one the engine made (a transport or hook
 * failure, a flood window held locally). Inside the chain errors are values; only `invoke` throws.
 */
export type Failure = RpcError | RecoveryError
