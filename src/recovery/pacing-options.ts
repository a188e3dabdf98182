import { catalogEntries } from '../catalog/entries.js'

/** Tuning of pacing (`createInvoker({ pacing })`). Every field has a default; units in the names. */
export interface PacingOptions {
  /**
   * Methods that start a burst with a bounded number of sends in flight (slow start) until they
   * have been refused once or have shown they are not limited. Default: every method the catalogue
   * lists under an error with code 420. Other methods burst freely until their first refusal.
   */
  readonly discoverMethods?: readonly string[] | ((method: string) => boolean)
  /** Sends in flight per method when slow start begins. Default 1. */
  readonly initialInFlight?: number
  /** Slow start ends, and the method bursts freely, once this many may be in flight. Default 64. */
  readonly maxInFlight?: number
  /** The learned rate is multiplied by this on each later refusal (0 < x < 1). Default 0.7. */
  readonly shrinkRatio?: number
  /** Each success adds this share of the best measured rate, up to that rate. Default 0.05. */
  readonly growthRatio?: number
  /** Added to every learned period, ms: the server counts arrivals, not departures. Default 25. */
  readonly safetyMarginMs?: number
  /**
   * A key with no send for this long forgets its pace, ms; a fleet's shared pace (see
   * `SharedPaceRequest`) is forgotten this long after its last booking. Default 300,000 (5 min).
   */
  readonly forgetAfterMs?: number
  /**
   * The first send after a key's queue was idle waits a random 0..jitterMs more, so processes
   * released by the same window do not all probe at once. Default 50 with a shared pace store
   * (given as `paceStore`, or the flood store booking slots), 0 with the one in memory, where one
   * queue per key already spaces every call.
   */
  readonly jitterMs?: number
  /**
   * Accepted sends remembered per method to measure a quota when a refusal comes: a quota above it
   * is measured as this many. Default 512.
   */
  readonly historySize?: number
  /** Most keys with a learned pace; past it the oldest idle ones are forgotten. Default 10,000. */
  readonly maxPacedKeys?: number
}

/** {@link PacingOptions} with every default filled in. */
export interface ResolvedPacing {
  readonly isDiscovered: (method: string) => boolean
  readonly initialInFlight: number
  readonly maxInFlight: number
  readonly shrinkRatio: number
  readonly growthRatio: number
  readonly safetyMarginMs: number
  readonly forgetAfterMs: number
  readonly jitterMs: number | undefined
  readonly historySize: number
  readonly maxPacedKeys: number
}

let catalogueFloodMethods: ReadonlySet<string> | undefined

/** Methods the catalogue lists under any 420 error: the ones known to meet flood limits. */
export function floodProneMethods(): ReadonlySet<string> {
  if (catalogueFloodMethods === undefined) {
    const methods = new Set<string>()
    for (const entry of catalogEntries()) {
      if (entry.codes.includes(420)) for (const method of entry.methods) methods.add(method)
    }
    catalogueFloodMethods = methods
  }
  return catalogueFloodMethods
}

function positive(name: string, value: number | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(
      `pacing.${name} must be a positive ${integer ? 'integer' : 'finite number'}, got ${value}`,
    )
  }
  return value
}

function ratio(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!(value > 0 && value < 1)) throw new RangeError(`pacing.${name} must be between 0 and 1, got ${value}`)
  return value
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`pacing.${name} must be a finite number >= 0, got ${value}`)
  }
  return value
}

/**
 * Fills in the defaults and checks each value, so a typo fails at `createInvoker` with the option's
 * name rather than as a strange pace later.
 */
export function resolvePacing(options: PacingOptions | undefined, catalogue: boolean): ResolvedPacing {
  const chosen = options?.discoverMethods
  let isDiscovered: (method: string) => boolean
  if (typeof chosen === 'function') isDiscovered = chosen
  else {
    const methods =
      chosen !== undefined ? new Set(chosen) : catalogue ? floodProneMethods() : new Set<string>()
    isDiscovered = (method) => methods.has(method)
  }
  const initialInFlight = positive('initialInFlight', options?.initialInFlight, 1, true)
  return {
    isDiscovered,
    initialInFlight,
    maxInFlight: Math.max(initialInFlight, positive('maxInFlight', options?.maxInFlight, 64, true)),
    shrinkRatio: ratio('shrinkRatio', options?.shrinkRatio, 0.7),
    growthRatio: ratio('growthRatio', options?.growthRatio, 0.05),
    safetyMarginMs: nonNegative('safetyMarginMs', options?.safetyMarginMs, 25),
    forgetAfterMs: positive('forgetAfterMs', options?.forgetAfterMs, 300_000),
    jitterMs: options?.jitterMs === undefined ? undefined : nonNegative('jitterMs', options.jitterMs, 0),
    historySize: positive('historySize', options?.historySize, 512, true),
    maxPacedKeys: positive('maxPacedKeys', options?.maxPacedKeys, 10_000, true),
  }
}
