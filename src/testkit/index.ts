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
  type BotFloodRule,
  startBotApiServer,
} from './clients/bot-api-server.js'
export type {
  CallHandler,
  CallOutcome,
  DefaultWorld,
  DefaultWorldOptions,
  FloodViolation,
  MtprotoCall,
  MtprotoCluster,
  MtprotoClusterInfo,
  MtprotoClusterOptions,
  MtprotoClusterReport,
  MtprotoStats,
  MtprotoTransportFaults,
} from './mtproto/index.js'
export {
  type Cluster,
  type ClusterOptions,
  type ClusterReport,
  ConnectionError,
  type ConnectOptions,
  connect,
  type DcAddress,
  DEFAULT_SERVER_LIMITS,
  type PlainSendRequest,
  type PlainTransport,
  type ServerLimitStats,
  type ServerLimits,
  type TransportFaults,
} from './plain/index.js'
export { type RecoveryTally, type TallyCounts, tallyRecovery } from './recovery-tally.js'
export { hasRedisServer, type RedisServer, startRedisServer } from './redis-server.js'
export {
  type MtprotoStartOptions,
  type PlainClusterOptions,
  startCluster,
  startMtprotoCluster,
} from './start-cluster.js'
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
  type RpcFaults,
  WORLD_METHODS,
  World,
  type WorldCall,
  type WorldOptions,
  type WorldOutcome,
  type WorldStats,
} from './world/index.js'
