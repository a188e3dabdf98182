/**
 * `mtproto-errors/testkit/clients`: options and sign-in helpers that point unmodified GramJS and
 * mtcute clients at the MTProto cluster (`startCluster({ protocol: 'mtproto' })`). A subpath of its
 * own because it imports both clients (`telegram`, `@mtcute/core`, `@mtcute/node`: optional peer
 * dependencies), which `mtproto-errors/testkit` must not need.
 * @packageDocumentation
 */

// In-process stand-ins for the network (no sockets, no key exchange): the adapter examples use
// them, and a user's unit tests can too.
export {
  attachWorld,
  type GramjsWorld,
  type GramjsWorldOptions,
  type WorldSender,
} from './clients/gramjs-world.js'

export { type MtcuteWorld, type MtcuteWorldOptions, worldServer } from './clients/mtcute-world.js'
export {
  type ClusterAddress,
  type DcOption,
  destroyGramjsClient,
  type GramjsClusterOptions,
  gramjsOptions,
  loginGramjs,
  loginMtcute,
  type MtcuteClusterOptions,
  mtcuteOptions,
  trustClusterKeyInGramjs,
  trustClusterKeyInMtcute,
} from './mtproto/client-options.js'
