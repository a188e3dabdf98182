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

/** Whether `error` already carries details (of this call or of another one that threw the same object). */
export function hasRecoveryDetails(error: unknown): error is Error & RecoveryDetails {
  return typeof error === 'object' && error !== null && (error as { [MARK]?: unknown })[MARK] === true
}

/** The recovery details of an error thrown by `invoke`, or `undefined` for any other value. */
export function detailsOf(error: unknown): RecoveryDetails | undefined {
  return hasRecoveryDetails(error) ? error : undefined
}

/** Everything of {@link RecoveryDetails} except the lazily built report. */
export type RecoveryDetailsInit = Omit<RecoveryDetails, 'report'>

/** Attaches details to `error`; the report is built by `buildReport` on first read, then kept. */
export function attachDetails(
  error: object,
  init: RecoveryDetailsInit,
  buildReport: () => DiagnosticReport,
): void {
  const target = error as Record<string, unknown>
  const keys: PropertyKey[] = ['report', MARK]
  for (const [key, value] of Object.entries(init)) {
    if (value === undefined) continue
    keys.push(key)
    // The catalogue entry is large; keep it out of console output, like the report.
    Object.defineProperty(target, key, {
      value,
      enumerable: key !== 'catalogEntry',
      writable: true,
      configurable: true,
    })
  }
  let report: DiagnosticReport | undefined
  Object.defineProperty(target, 'report', {
    enumerable: false,
    configurable: true,
    get: () => {
      report ??= buildReport()
      return report
    },
  })
  Object.defineProperty(target, MARK, { value: true, configurable: true })
  attachedKeys.set(target, keys)
}

/** The properties `attachDetails` defined on each error, so they can be moved as a whole. */
const attachedKeys = new WeakMap<object, readonly PropertyKey[]>()

/**
 * Puts the details attached to `from` on `to` as well (the same values, the same lazily built
 * report), so an adapter can throw a client library's own error object with the engine's details on
 * it. Returns whether `from` had any.
 */
export function transferDetails(from: object, to: object): boolean {
  const keys = attachedKeys.get(from)
  // A frozen error cannot take them; it is thrown as it is.
  if (keys === undefined || !Object.isExtensible(to)) return false
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(from, key)
    if (descriptor !== undefined) Object.defineProperty(to, key, descriptor)
  }
  attachedKeys.set(to, keys)
  return true
}
