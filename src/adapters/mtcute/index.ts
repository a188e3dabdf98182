/**
 * The mtcute adapter: `mtcuteRecovery(options).middlewares` replaces mtcute's `floodWaiter` and
 * `internalErrorsHandler` with the recovery engine. Needs `@mtcute/core` (a peer dependency; it
 * comes with `@mtcute/node`, `@mtcute/bun`, `@mtcute/deno` and `@mtcute/web`).
 * @packageDocumentation
 */
export { isMtRpcError, type MtRpcError, toMtRpcError } from './mt-rpc-error.js'
export { type MtcuteRecovery, type MtcuteRecoveryOptions, mtcuteRecovery } from './mtcute-recovery.js'
export { RETRY_503, retry503Policy } from './retry-503-policy.js'
