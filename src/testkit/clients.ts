/**
 * `mtproto-errors/testkit/clients`: options and sign-in helpers that point unmodified GramJS and
 * mtcute clients at the MTProto cluster (`startCluster({ protocol: 'mtproto' })`). A subpath of its
 * own because it imports both clients (`telegram`, `@mtcute/core`, `@mtcute/node`: optional peer
 * dependencies), which `mtproto-errors/testkit` must not need.
 * @packageDocumentation
 */

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
export { DefaultWorld } from './mtproto/default-world.js'
