/**
 * `mtproto-errors/testkit`: a simulated Telegram cluster on loopback TCP for your tests, with its
 * client transport and a ready-made invoker. Node-only (it listens on sockets); the core never
 * imports it.
 * @packageDocumentation
 */

// A fake Bot API (node:http) for grammY and other Bot API clients, and a throwaway redis-server for
// tests of the Redis flood store: both Node-only, as the rest of the testkit.
export {
  type BotApiReply,
  type BotApiRequest,
  type BotApiServer,
  type BotApiServerOptions,
  type BotApiServerStats,
  startBotApiServer,
} from './clients/bot-api-server.js'
// What both clusters share: one vocabulary for plain and MTProto.
export type { Cluster, ClusterOptions, ClusterReport, DcAddress, TransportFaults } from './cluster.js'
export type { FramingKind } from './mtproto/framing.js'
// The MTProto cluster's types only: its code (and its peers) load on `startCluster({ protocol: 'mtproto' })`.
export type {
  CallHandler,
  CallOutcome,
  DefaultHandler,
  DefaultHandlerOptions,
  MtprotoCall,
  MtprotoCluster,
  MtprotoClusterInfo,
  MtprotoClusterOptions,
  MtprotoClusterReport,
  MtprotoStats,
  MtprotoTransportFaults,
  TestFile,
} from './mtproto/index.js'
export { testAccountOf, testBotToken, testLoginCode, testPhone } from './mtproto/test-accounts.js'
export {
  ConnectionError,
  type ConnectOptions,
  connect,
  DEFAULT_SERVER_LIMITS,
  type PlainCluster,
  type PlainClusterOptions,
  type PlainSendRequest,
  type PlainTransport,
  type PlainTransportFaults,
  type ServerLimitStats,
  type ServerLimits,
} from './plain/index.js'
export { type RecoveryTally, type TallyCounts, tallyRecovery } from './recovery-tally.js'
export { hasRedisServer, type RedisServer, startRedisServer } from './redis-server.js'
export { startCluster } from './start-cluster.js'
export {
  createTestkitInvoker,
  type ServedPlainCluster,
  type TestkitInvoker,
  type TestkitInvokerOptions,
} from './testkit-invoker.js'
export {
  type AccountSpec,
  type ClientReceipt,
  DEFAULT_FLOOD_RULES,
  type FloodNotice,
  type FloodRule,
  type FloodViolation,
  type Random,
  type RpcFaults,
  WORLD_METHODS,
  World,
  type WorldCall,
  type WorldOptions,
  type WorldOutcome,
  type WorldStats,
} from './world/index.js'
