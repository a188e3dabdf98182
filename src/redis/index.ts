/**
 * mtproto-errors/redis: flood-wait windows shared by every process of a fleet through Redis.
 * Node-only (it needs a Redis client: ioredis, a peer dependency).
 * @packageDocumentation
 */

export type { CalendarBooking, CalendarPaceStore, CalendarSlot } from '../flood/pace-calendar.js'
export type {
  PaceLimit,
  PaceRefusal,
  PaceSlot,
  PaceStore,
  SharedPace,
  SharedPaceRequest,
} from '../flood/pace-store.js'
export {
  createRedisFloodStore,
  type FloodStoreDownEvent,
  type FloodStoreErrorEvent,
  type FloodStoreInvalidValueEvent,
  type FloodStoreRemoteWindowEvent,
  type FloodStoreSyncEvent,
  FloodStoreUnavailableError,
  type RedisFloodStore,
  type RedisFloodStoreEvents,
  type RedisFloodStoreOptions,
  type RedisFloodStoreState,
} from './redis-flood-store.js'
export { paceKeyOf, type RedisPace, type RedisPaceSlot, sharedPaceKeyOf } from './redis-pace.js'
export type { RedisCalendarSlot, RedisPaceCalendar } from './redis-pace-calendar.js'
