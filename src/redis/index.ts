/**
 * mtproto-errors/redis: flood-wait windows shared by every process of a fleet through Redis.
 * Node-only (it needs a Redis client: ioredis, a peer dependency).
 * @packageDocumentation
 */

export {
  createRedisFloodStore,
  type FloodStoreDownEvent,
  type FloodStoreErrorEvent,
  type FloodStoreRemoteWindowEvent,
  type FloodStoreSyncedEvent,
  FloodStoreUnavailableError,
  type RedisFloodStore,
  type RedisFloodStoreEvents,
  type RedisFloodStoreOptions,
  type RedisFloodStoreState,
} from './redis-flood-store.js'
export { paceKeyOf, type RedisPaceSlot } from './redis-pace.js'
