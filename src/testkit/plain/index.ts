export {
  ConnectionError,
  type ConnectOptions,
  connect,
  type PlainSendRequest,
  type PlainTransport,
} from './client.js'
export {
  type Cluster,
  type ClusterOptions,
  type ClusterReport,
  type DcAddress,
  startCluster,
} from './cluster.js'
export { DEFAULT_SERVER_LIMITS, type ServerLimitStats, type ServerLimits } from './server-limits.js'
export type { TransportFaults } from './transport-faults.js'
