import { MAX_TIMER_DELAY_MS } from '../../recovery/long-timer.js'
/**
 * What one simulated cluster lets its clients hold. A testkit runs beside the code under test, often
 * in the same process, so a hostile or buggy client (thousands of silent sockets, megabytes of
 * half-sent frames) must cost bounded memory and never keep the test run alive.
 */
export interface ServerLimits {
  /** Most connections open at once across the cluster; one more is closed at once (default 1024). */
  readonly maxConnections?: number
  /** Largest request a connection may send, in bytes; a longer length is refused (default 1 MiB). */
  readonly maxRequestBytes?: number
  /**
   * Most bytes of unfinished requests held across the cluster (default 64 MiB). A connection whose
   * next bytes would pass it is refused with -404 and closed, the others are unaffected.
   */
  readonly maxBufferedBytes?: number
  /** A connection that sends nothing for this long is closed, in ms (default 120 000). */
  readonly idleTimeoutMs?: number
  /** A request begun but not finished within this long closes its connection, in ms (default 30 000). */
  readonly partialFrameTimeoutMs?: number
}

/** What a cluster's limits did, in its report: connections they closed, bytes of unfinished requests. */
export interface ServerLimitStats {
  /** Connections closed on arrival with -429: `maxConnections` were already open. */
  connectionsRefused: number
  /** Connections closed after `idleTimeoutMs` without a byte. */
  idleTimeouts: number
  /** Connections closed because a request stayed unfinished for `partialFrameTimeoutMs`. */
  partialFrameTimeouts: number
  /** Connections refused with -404 because their unfinished requests would pass `maxBufferedBytes`. */
  bufferRefusals: number
  /** Bytes of unfinished requests held now, across all DCs. */
  bufferedBytes: number
  /** The most bytes of unfinished requests held at once, across all DCs. */
  peakBufferedBytes: number
}

/** The limits with every default filled in. */
export type ResolvedServerLimits = Required<ServerLimits>

/** The defaults, written once: docs/bad-input.md lists the same figures. */
export const DEFAULT_SERVER_LIMITS: Readonly<Required<ServerLimits>> = {
  maxConnections: 1024,
  maxRequestBytes: 1 << 20,
  maxBufferedBytes: 64 << 20,
  idleTimeoutMs: 120_000,
  partialFrameTimeoutMs: 30_000,
}

/** Node runs a longer timer after 1 ms, so a timeout past this would fire at once. */

/**
 * Checks the limits once, where they are given: a count or size must be a positive integer, a time
 * a positive number of ms that a timer can hold, or `Infinity` for "never". Throws a `TypeError`
 * or `RangeError` naming the option.
 */
export function resolveServerLimits(limits: ServerLimits = {}, owner = 'startCluster'): ResolvedServerLimits {
  return {
    maxConnections: checkCount(
      owner,
      'maxConnections',
      limits.maxConnections,
      DEFAULT_SERVER_LIMITS.maxConnections,
    ),
    maxRequestBytes: checkCount(
      owner,
      'maxRequestBytes',
      limits.maxRequestBytes,
      DEFAULT_SERVER_LIMITS.maxRequestBytes,
    ),
    maxBufferedBytes: checkCount(
      owner,
      'maxBufferedBytes',
      limits.maxBufferedBytes,
      DEFAULT_SERVER_LIMITS.maxBufferedBytes,
    ),
    idleTimeoutMs: checkTimeoutMs(
      owner,
      'idleTimeoutMs',
      limits.idleTimeoutMs,
      DEFAULT_SERVER_LIMITS.idleTimeoutMs,
    ),
    partialFrameTimeoutMs: checkTimeoutMs(
      owner,
      'partialFrameTimeoutMs',
      limits.partialFrameTimeoutMs,
      DEFAULT_SERVER_LIMITS.partialFrameTimeoutMs,
    ),
  }
}

function checkCount(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number')
    throw new TypeError(`${owner}: ${name} must be a number, got ${typeof value}`)
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${owner}: ${name} must be a positive integer, got ${value}`)
  }
  return value
}

function checkTimeoutMs(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number') {
    throw new TypeError(`${owner}: ${name} must be a number of ms, got ${typeof value}`)
  }
  if (value === Number.POSITIVE_INFINITY) return value
  // Node arms socket and frame timers with a plain setTimeout: a longer one would fire after 1 ms.
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMER_DELAY_MS) {
    throw new RangeError(
      `${owner}: ${name} must be in (0, ${MAX_TIMER_DELAY_MS}] ms or Infinity, got ${value}`,
    )
  }
  return value
}
