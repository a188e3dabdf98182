/**
 * A simulated Telegram cluster speaking real MTProto 2.0 on loopback, for tests that drive
 * unmodified GramJS and mtcute clients. Node only.
 *
 * The server needs `@mtcute/core` and `@mtcute/tl-runtime` (its TL implementation); GramJS's
 * layer is served when `telegram` is installed. The client helpers live in `client-options.ts`,
 * which imports both clients and so is meant for its own subpath.
 */
export type { CallHandler, CallOutcome, MtprotoCall } from './call-handler.js'
export {
  type MtprotoCluster,
  type MtprotoClusterInfo,
  type MtprotoClusterOptions,
  type MtprotoClusterReport,
  type MtprotoTransportFaults,
  startMtprotoCluster,
} from './cluster.js'
export { DefaultHandler, type DefaultHandlerOptions } from './default-handler.js'
export type { MtprotoStats } from './stats.js'
export type { TlObject } from './tl-codec.js'
export type { TestFile } from './tl-state.js'
