export {
  accountKeyPrefix,
  defaultFloodKeyOf,
  type FloodKeyCall,
  type FloodKeyParts,
  type FloodKeyScope,
  floodKey,
  floodKeyGroup,
  PEER_PARAM_NAMES,
  PHONE_PARAM_NAMES,
} from './flood-key.js'
export type { FloodStore } from './flood-store.js'
export { MemoryFloodStore, type MemoryFloodStoreOptions } from './memory-flood-store.js'
export {
  createMemoryPaceStore,
  type MemoryPaceStore,
  type MemoryPaceStoreOptions,
} from './memory-pace-store.js'
export type {
  PaceLimit,
  PaceRefusal,
  PaceSlot,
  PaceStore,
  SharedPace,
  SharedPaceRequest,
} from './pace-store.js'
export { paramsDigest, paramsFingerprint } from './params-fingerprint.js'
