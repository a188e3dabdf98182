import { createMemoryPaceStore, type MemoryPaceStore } from './memory-pace-store.js'

export {
  checkPaceLimit,
  type DeferringPaceStore,
  type DeferringSlot,
  isDeferringPaceStore,
} from './pace-store.js'

/**
 * The in-process schedule the Redis store falls back to and the grammY transformer uses: the
 * memory pace store itself, under the name those callers import (one GCRA in memory, not two).
 */
export type LocalPaceSchedule = MemoryPaceStore

/** Creates a {@link LocalPaceSchedule}: {@link createMemoryPaceStore} with its defaults. */
export function createLocalPaceSchedule(): LocalPaceSchedule {
  return createMemoryPaceStore()
}
