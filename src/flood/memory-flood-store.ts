import { floodKeyGroup } from './flood-key.js'
import type { FloodStore } from './flood-store.js'

/** Options of {@link MemoryFloodStore}. */
export interface MemoryFloodStoreOptions {
  /**
   * Most windows held at once. When full, expired windows are purged first, then the oldest
   * recorded ones are dropped: losing a window only costs one extra flood error, growing without
   * bound costs the process. Default 10,000.
   */
  readonly maxKeys?: number
}

const DEFAULT_MAX_KEYS = 10_000
/** Below this many entries a full purge is not worth its scan. */
const MIN_SWEEP_SIZE = 64

/**
 * The default {@link FloodStore}: a `Map` from key to window end, for one process.
 *
 * It keeps no timer (a library must not keep a process alive or wake it for housekeeping): expired
 * windows are dropped when read, and a purge runs on `record` whenever the map has doubled since
 * the last one, so the cost per record stays constant and memory stays proportional to the open
 * windows.
 */
export class MemoryFloodStore implements FloodStore {
  private readonly windows = new Map<string, number>()
  /** How many windows each key group holds, for {@link MemoryFloodStore.hasGroup}. */
  private readonly groups = new Map<string, number>()
  private readonly maxKeys: number
  private sweepAt = MIN_SWEEP_SIZE

  /** Creates an empty store. */
  constructor(options: MemoryFloodStoreOptions = {}) {
    this.maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_KEYS)
  }

  /** {@inheritDoc FloodStore.size} */
  get size(): number {
    return this.windows.size
  }

  /** {@inheritDoc FloodStore.get} */
  get(key: string, now: number): number | undefined {
    if (this.windows.size === 0) return undefined
    const until = this.windows.get(key)
    if (until === undefined) return undefined
    if (until > now) return until
    this.remove(key)
    return undefined
  }

  /** {@inheritDoc FloodStore.hasGroup} */
  hasGroup(group: string): boolean {
    return this.groups.has(group)
  }

  /** {@inheritDoc FloodStore.record} */
  record(key: string, endsAt: number, now: number): void {
    if (!(endsAt > now)) return
    const held = this.windows.get(key)
    if (held !== undefined && held >= endsAt) return
    // Re-inserting moves the key to the end, so eviction order stays "oldest record first".
    if (held !== undefined) this.windows.delete(key)
    else {
      if (this.windows.size >= this.sweepAt || this.windows.size >= this.maxKeys) this.makeRoom(now)
      const group = floodKeyGroup(key)
      this.groups.set(group, (this.groups.get(group) ?? 0) + 1)
    }
    this.windows.set(key, endsAt)
  }

  /** {@inheritDoc FloodStore.delete} */
  delete(key: string): void {
    this.remove(key)
  }

  /** {@inheritDoc FloodStore.clear} */
  clear(): void {
    this.windows.clear()
    this.groups.clear()
    this.sweepAt = MIN_SWEEP_SIZE
  }

  /** The windows still open at `now`, as `[key, endsAt]` pairs (for a store that mirrors this one). */
  *open(now: number): IterableIterator<[string, number]> {
    for (const entry of this.windows) if (entry[1] > now) yield entry
  }

  /** Drops every window that has ended by `now`; returns how many were dropped. */
  purge(now: number): number {
    let dropped = 0
    for (const [key, until] of this.windows) {
      if (until <= now) {
        this.remove(key)
        dropped++
      }
    }
    return dropped
  }

  private makeRoom(now: number): void {
    this.purge(now)
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break
      this.remove(key)
    }
    this.sweepAt = Math.max(MIN_SWEEP_SIZE, this.windows.size * 2)
  }

  private remove(key: string): void {
    if (!this.windows.delete(key)) return
    const group = floodKeyGroup(key)
    const left = (this.groups.get(group) ?? 1) - 1
    if (left > 0) this.groups.set(group, left)
    else this.groups.delete(group)
  }
}
