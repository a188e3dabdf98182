import { isRpcError } from '../error/index.js'
import type { Invoker } from '../recovery/invoker.js'

/** What the engine did, counted from its events. Times are summed over calls, in ms. */
export interface TallyCounts {
  /** 303 redirects followed, by kind (`USER`, `PHONE`, `NETWORK`, `FILE`, `STATS`). */
  readonly migrations: Readonly<Record<string, number>>
  /** Moves of the home DC. */
  readonly homeDcChanges: number
  /** `authorizeOn` runs that ended, by how. */
  readonly authorizations: { readonly done: number; readonly failed: number }
  /** Flood errors received: slept through (`sleptMs` in all) or handed to the caller. */
  readonly floodWaits: { readonly slept: number; readonly thrown: number; readonly sleptMs: number }
  /** Calls that met a recorded window before being sent: held (`heldMs` in all) or refused locally. */
  readonly floodHolds: { readonly held: number; readonly refused: number; readonly heldMs: number }
  /** Repeats after internal or network failures, by what failed (`500 INTERNAL_SERVER_ERROR`, `network`). */
  readonly retries: Readonly<Record<string, number>>
  /** Backoff slept before those repeats, in all. */
  readonly retryDelayMs: number
  /** Calls given up, by the engine's reason (`not-retryable`, `attempts-exhausted`, ...). */
  readonly giveUps: Readonly<Record<string, number>>
  /** Calls given up, by the category of the error thrown (`BAD_REQUEST`, `INTERNAL`, or the engine's error name). */
  readonly giveUpsByCategory: Readonly<Record<string, number>>
  /** `sessionDead` events. */
  readonly sessionDead: number
}

/** A running count of an invoker's events. */
export interface RecoveryTally {
  /** A copy of the counts so far. */
  counts(): TallyCounts
  /** Stops counting (unsubscribes every listener). */
  stop(): void
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] }

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by
}

/** How a failure is named in the counts: its code and type, or what kind of failure it was. */
function failureName(error: unknown): string {
  if (isRpcError(error)) return `${error.code} ${error.type ?? error.errorMessage}`
  return error instanceof Error && error.name === 'NetworkError' ? 'network' : 'other'
}

/**
 * Counts what an invoker's recovery did, from its events: for tests that assert a workload was
 * handled the expected way ("every flood wait was slept through, nothing gave up") and for the
 * demo's summary. Listens until `stop()`.
 */
export function tallyRecovery(invoke: Pick<Invoker, 'on'>): RecoveryTally {
  const counts: Mutable<TallyCounts> = {
    migrations: {},
    homeDcChanges: 0,
    authorizations: { done: 0, failed: 0 },
    floodWaits: { slept: 0, thrown: 0, sleptMs: 0 },
    floodHolds: { held: 0, refused: 0, heldMs: 0 },
    retries: {},
    retryDelayMs: 0,
    giveUps: {},
    giveUpsByCategory: {},
    sessionDead: 0,
  }
  const stops = [
    invoke.on('migrate', (event) => bump(counts.migrations, event.kind)),
    invoke.on('homeDcChange', () => {
      counts.homeDcChanges++
    }),
    invoke.on('authorize', (event) => {
      if (event.phase !== 'start') counts.authorizations[event.phase]++
    }),
    invoke.on('floodWait', (event) => {
      if (event.willWait) {
        counts.floodWaits.slept++
        counts.floodWaits.sleptMs += event.waitMs
      } else counts.floodWaits.thrown++
    }),
    invoke.on('floodWindowHit', (event) => {
      if (event.willWait) {
        counts.floodHolds.held++
        counts.floodHolds.heldMs += event.remainingMs
      } else counts.floodHolds.refused++
    }),
    invoke.on('retry', (event) => {
      bump(counts.retries, failureName(event.error))
      counts.retryDelayMs += event.delayMs
    }),
    invoke.on('giveUp', (event) => {
      bump(counts.giveUps, event.reason)
      const { error } = event
      bump(
        counts.giveUpsByCategory,
        isRpcError(error) ? error.category : error instanceof Error ? error.name : 'other',
      )
    }),
    invoke.on('sessionDead', () => {
      counts.sessionDead++
    }),
  ]
  return {
    counts: () => structuredClone(counts),
    stop: () => {
      for (const stop of stops) stop()
    },
  }
}
