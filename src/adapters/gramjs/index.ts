/**
 * The GramJS adapter: `wrapClient(client, options)` routes every call of a `TelegramClient` through
 * the recovery engine. Needs the `telegram` package (a peer dependency).
 * @packageDocumentation
 */
export { ClientDisconnectedError, disconnectedPolicy } from './disconnected.js'
export { methodNameOf } from './method-name.js'
export { paramsOf } from './request-params.js'
export {
  type GramjsCallOptions,
  type GramjsRecovery,
  type GramjsRecoveryOptions,
  wrapClient,
} from './wrap-client.js'
