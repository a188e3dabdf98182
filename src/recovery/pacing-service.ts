import type { FloodKeyScope } from '../flood/flood-key.js'

// What pacing shows (leaf types: the contract in policy.ts and the diagnostic report both use them).

/** One paced key as dashboards and diagnostic reports see it. */
export interface PaceSnapshot {
  /** The flood key the pace is counted on. */
  readonly key: string
  /** The method it was learned on. */
  readonly method: string
  /** The scope of the key (`method`, `account`, `peer`...). */
  readonly scope: FloodKeyScope
  /** Sends per second allowed now. */
  readonly ratePerSecond: number
  /** The most the pace may grow back to, sends per second. */
  readonly ceilingPerSecond: number
  /** When the next local send on the key may leave, epoch ms (the past: now). */
  readonly nextSlotAt: number
  /** Calls waiting for a turn on the key. */
  readonly waiting: number
  /** When the pace was last learned or shrunk, epoch ms. */
  readonly changedAt: number
}

/** A method still in slow start. */
export interface DiscoverySnapshot {
  readonly method: string
  /** Sends in flight now. */
  readonly inFlight: number
  /** Sends that may be in flight now. */
  readonly limit: number
  /** Calls waiting for a place. */
  readonly waiting: number
}

/** What pacing shows: the paced keys and the methods still being discovered. */
export interface PacingSnapshot {
  readonly paces: readonly PaceSnapshot[]
  readonly discovering: readonly DiscoverySnapshot[]
}
