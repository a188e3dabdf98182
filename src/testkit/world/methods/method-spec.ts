import type { WorldCall, WorldOutcome } from '../world-options.js'
import type { WorldState } from '../world-state.js'

/** One method of the simulated world: who may call it, where, and what it does. */
export interface MethodSpec {
  /** Needs a logged-in account on the receiving DC (401 otherwise). */
  readonly needsAccount: boolean
  /** Belongs on the account's home DC (303 USER_MIGRATE otherwise). */
  readonly homeOnly: boolean
  /** Runs the method once the world's checks (account, faults, flood) have let the call through. */
  readonly run: (state: WorldState, call: WorldCall) => WorldOutcome
}

/** A method family: method name -> its spec. */
export type MethodTable = Readonly<Record<string, MethodSpec>>

/** An account's own call, on its home DC. */
export const ACCOUNT_CALL: Omit<MethodSpec, 'run'> = { needsAccount: true, homeOnly: true }
/** A call anyone may make anywhere (configuration, sign-in). */
export const ANYONE: Omit<MethodSpec, 'run'> = { needsAccount: false, homeOnly: false }
/** An account's call that any DC where it is authorized serves (files, statistics, log out). */
export const ANY_AUTHORIZED_DC: Omit<MethodSpec, 'run'> = { needsAccount: true, homeOnly: false }

export const ok = (value: unknown): WorldOutcome => ({ kind: 'ok', value })
export const fail = (code: number, message: string): WorldOutcome => ({ kind: 'error', code, message })

/** A string parameter, or undefined when it is missing or of another type. */
export function text(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = params[name]
  return typeof value === 'string' ? value : undefined
}
