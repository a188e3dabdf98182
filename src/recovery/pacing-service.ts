import type { FloodKeyScope } from '../flood/flood-key.js'
import type { CallContext } from './policy.js'

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

/**
 * Pacing as policies see it (one per invoker): which calls it concerns, their turns, and what a
 * refusal teaches. The flood gate and the flood policy use it; a custom chain may too.
 */
export interface PacingService {
  /** Whether pacing is on for this invoker. */
  readonly enabled: boolean
  /**
   * Whether calls of `method` may have to wait for a turn (a key of theirs is paced, or the method
   * is in slow start). Constant time: the flood gate asks it before every send.
   */
  concerns(method: string): boolean
  /** Whether `call` is paced at all: pacing on, and the call did not opt out (`pace: false`). */
  appliesTo(call: CallContext): boolean
  /**
   * Waits for the call's turn on its paced keys, or for a place in flight while its method is in
   * slow start. `true`: send now; `false`: the call ended meanwhile.
   */
  turn(call: CallContext): boolean | Promise<boolean>
  /** The send that `turn` let go has ended (`succeeded` or not); returns the place it held. */
  sent(call: CallContext, succeeded: boolean): void
  /** A FLOOD_WAIT of `waitMs` on `key` (built for `scope`) refused `call`: learn or shrink its pace. */
  learn(call: CallContext, key: string, scope: FloodKeyScope, waitMs: number, nowMs: number): void
  /** The paced keys and discoveries now. */
  snapshot(): PacingSnapshot
}
