import type { CatalogEntry } from '../catalog/types.js'
import type { AttemptRecord } from './attempt.js'
import type { DiagnosticReport } from './diagnostic-report.js'

/** Why the engine stopped trying. */
export type GiveUpReason =
  /** The error is not one that repeating can fix (4xx, 406, known non-retryable types). */
  | 'not-retryable'
  /** `maxAttempts` internal failures. */
  | 'attempts-exhausted'
  /** The next wait or retry would not fit in the call's deadline, or the deadline passed. */
  | 'deadline'
  /** The flood wait is longer than `maxFloodWaitMs`. */
  | 'flood-wait-too-long'
  /** `maxFloodWaits` waits already slept through. */
  | 'flood-waits-exhausted'
  /** FLOOD_WAIT_X_OR_STARS_Y: the caller chooses between waiting and paying. */
  | 'flood-choice'
  /** `maxRedirects` redirects already followed. */
  | 'redirect-limit'
  /** A 303 pointed back to a DC this call already visited. */
  | 'redirect-loop'
  /** A 303 named a DC outside `knownDcIds`. */
  | 'unknown-dc'
  /** The authorization is lost (a `sessionDead` event was emitted). */
  | 'session-dead'
  /**
   * A 401 before any login succeeded on this invoker (see `InvokerOptions.authorized`): not logged
   * in yet, as every fresh client is before it signs in. No `sessionDead` event.
   */
  | 'not-authorized'
  /** SESSION_PASSWORD_NEEDED: continue the login with the password. */
  | 'login-step'
  /** A hook the recovery needed is missing, failed, or was already used once in this call. */
  | 'recovery-failed'
  /** The circuit of the call's DC is open; `retryAt` is the next probe. */
  | 'circuit-open'
  /** The call turned automatic handling off for this error (`handle: { ... : false }`). */
  | 'opted-out'

/** What a policy says about the failure it lets through; merged into {@link RecoveryDetails}. */
export interface FailureNotes {
  /** Why the engine stopped trying, when a policy said so. */
  readonly giveUpReason?: GiveUpReason
  /** For flood errors thrown without waiting: when the call may be made again, epoch ms. */
  readonly retryAt?: number
  /** The authorization is lost. */
  readonly sessionDead?: boolean
  /** SESSION_PASSWORD_NEEDED: a step of login, not a failure of the session. */
  readonly loginStep?: boolean
  /** The flood error was made locally from the flood store; the call was never sent. */
  readonly fromStore?: boolean
}

/**
 * What the engine attaches to the error `invoke` throws (the last real error, never a wrapper):
 * own properties on the error object, so they show in logs and survive re-throws. Read them typed
 * with {@link detailsOf}. The wire data of an `RpcError` is untouched.
 */
export interface RecoveryDetails extends FailureNotes {
  /** The API method of the call. */
  readonly method: string
  /** Every failed send of the call, in order. */
  readonly attempts: readonly AttemptRecord[]
  /**
   * The DC of the last attempt. Not named `dcId`: that is `SeeOtherError`'s own wire data (the DC
   * to go to), which details must never shadow.
   */
  readonly lastDcId: number | undefined
  /** Why the engine stopped trying. */
  readonly giveUpReason: GiveUpReason
  /** For 400s: the input field concerned (`first_name`), from the catalogue, the built-in list or the type. */
  readonly field?: string
  /** For 400s: a sentence to show the end user. */
  readonly userMessage?: string
  /** A 406: the protocol says not to show it to the end user. */
  readonly notForUser?: boolean
  /** The catalogue's entry for the error type, when known (its description and recommended action). */
  readonly catalogEntry?: CatalogEntry
  /** The diagnostic report for Telegram's developers, built on first read. */
  readonly report: DiagnosticReport
}

const MARK: unique symbol = Symbol.for('mtproto-errors.RecoveryDetails') as never

/**
 * Details of errors that cannot take them as properties: frozen, sealed or non-extensible by their
 * owner, or a Proxy that refuses. The user's error is still the one thrown, never replaced by ours;
 * {@link detailsOf} reads it from here.
 */
const sideTable = new WeakMap<object, RecoveryDetails>()

/** The properties `attachDetails` made for each error, so they can be moved as a whole. */
const attached = new WeakMap<object, PropertyDescriptorMap>()

function isObject(value: unknown): value is object {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
}

/**
 * Whether `error` carries details as its own properties (of this call or of another one that threw
 * the same object). Never throws, whatever `error` is. Details kept aside for an error that could
 * not take them are not properties: read those with {@link detailsOf}.
 */
export function hasRecoveryDetails(error: unknown): error is Error & RecoveryDetails {
  if (!isObject(error)) return false
  try {
    return (error as { [MARK]?: unknown })[MARK] === true
  } catch {
    return false
  }
}

/**
 * The recovery details of an error thrown by `invoke`, whether on the error itself or kept aside
 * because the error is frozen or sealed, or `undefined` for any other value. Never throws.
 */
export function detailsOf(error: unknown): RecoveryDetails | undefined {
  if (!isObject(error)) return undefined
  return sideTable.get(error) ?? (hasRecoveryDetails(error) ? error : undefined)
}

/** Everything of {@link RecoveryDetails} except the lazily built report. */
export type RecoveryDetailsInit = Omit<RecoveryDetails, 'report'>

/**
 * Attaches details to `error`; the report is built by `buildReport` on first read, then kept.
 * Never throws: an error that cannot take properties gets them in a side table instead.
 */
export function attachDetails(
  error: object,
  init: RecoveryDetailsInit,
  buildReport: () => DiagnosticReport,
): void {
  const descriptors: PropertyDescriptorMap = {}
  for (const [key, value] of Object.entries(init)) {
    if (value === undefined) continue
    // The catalogue entry is large; keep it out of console output, like the report.
    descriptors[key] = { value, enumerable: key !== 'catalogEntry', writable: true, configurable: true }
  }
  let report: DiagnosticReport | undefined
  descriptors.report = {
    enumerable: false,
    configurable: true,
    get: () => {
      report ??= buildReport()
      return report
    },
  }
  // A symbol key: `defineProperties` defines it after every string key, so it marks a whole set.
  descriptors[MARK as unknown as string] = { value: true, configurable: true }
  place(error, descriptors)
}

/** Defines `descriptors` on `target`, or keeps them aside when `target` refuses them. */
function place(target: object, descriptors: PropertyDescriptorMap): void {
  attached.set(target, descriptors)
  try {
    if (Object.isExtensible(target)) {
      Object.defineProperties(target, descriptors)
      // A Proxy's trap may report success without defining anything.
      if (hasRecoveryDetails(target)) {
        sideTable.delete(target)
        return
      }
    }
  } catch {
    // Frozen, sealed, a non-configurable property of the same name, or a Proxy trap that threw.
  }
  sideTable.set(target, Object.defineProperties({}, descriptors) as RecoveryDetails)
}

/**
 * Puts the details attached to `from` on `to` as well (the same values, the same lazily built
 * report), so an adapter can throw a client library's own error object with the engine's details on
 * it; a `to` that cannot take them gets them in the side table. Returns whether `from` had any.
 */
export function transferDetails(from: object, to: object): boolean {
  const descriptors = attached.get(from)
  if (descriptors === undefined) return false
  place(to, descriptors)
  return true
}
