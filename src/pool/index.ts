export {
  type AccountPool,
  createPool,
  NoAccountAvailableError,
  type PoolAccountDeadEvent,
  type PoolAccountState,
  type PoolCallOptions,
  type PoolEvents,
  type PoolMoveEvent,
  type PoolOptions,
} from './account-pool.js'
