import type { MigrateKind } from '../error/rpc-error.js'
import type { CallInfo } from './call-options.js'

/** Context given to hooks. */
export interface HookContext {
  /** Aborted when the hook's result is no longer wanted (the call ended, or the invoker closed). */
  readonly signal: AbortSignal
}

/** A move of the home DC, as given to `onHomeDcChange`. */
export interface HomeDcChange {
  /** The DC before the move, when known. */
  readonly fromDcId: number | undefined
  /** The DC moved to. */
  readonly toDcId: number
  /** Which migration it is. */
  readonly kind: MigrateKind
}

/** The hooks through which the engine asks the application to do what only it can. All optional. */
export interface RecoveryHooks {
  /**
   * Makes the account's authorization valid on `dcId` (export it on home, import it there). Called
   * once per DC at a time; concurrent calls wait for the one in flight. A failure ends the calls
   * that waited for it, but never counts as a logout.
   */
  readonly authorizeOn?: (dcId: number, context: HookContext) => unknown
  /** Binds the temporary key on `dcId` (AUTH_KEY_PERM_EMPTY), then the call is repeated once. */
  readonly bindTempKey?: (dcId: number | undefined, context: HookContext) => unknown
  /** The home DC moved (USER/PHONE/NETWORK_MIGRATE): switch the main connection and session. */
  readonly onHomeDcChange?: (change: HomeDcChange, context: HookContext) => unknown
  /** Re-uploads file part `part` (FILE_PART_X_MISSING), then the call is repeated once. */
  readonly reuploadFilePart?: (part: number, call: CallInfo, context: HookContext) => unknown
  /**
   * Fetches a fresh file reference (FILE_REFERENCE_EXPIRED) and returns the call's new parameters,
   * or `undefined` to keep them; then the call is repeated once.
   */
  readonly refreshFileReference?: (call: CallInfo, context: HookContext) => unknown
}
