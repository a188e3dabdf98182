export {
  ConnectionError,
  type ConnectOptions,
  connect,
  type PlainSendRequest,
  type PlainTransport,
} from './client.js'
export { type PlainCluster, type PlainClusterOptions, startPlainCluster } from './cluster.js'
export { DEFAULT_SERVER_LIMITS, type ServerLimitStats, type ServerLimits } from './server-limits.js'
export type { PlainTransportFaults } from './transport-faults.js'
