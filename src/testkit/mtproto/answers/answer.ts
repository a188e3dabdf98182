import type { CallOutcome, MtprotoCall } from '../call-handler.js'
import type { TlState } from '../tl-state.js'
import type { WorldUser } from '../world-objects.js'

/** What an answer builder gets: a call the shared world let through, and what the world answered. */
export interface AnswerContext {
  /** The default handler's TL state. */
  readonly state: TlState
  readonly call: MtprotoCall
  /**
   * The user the call's auth key is logged in as. Set for every method that needs an account,
   * since the world refused the call otherwise.
   */
  readonly user: WorldUser | undefined
  /** The world's result for the call (an export token, the account an import names, ...). */
  readonly value: unknown
  /** The server's clock in whole seconds, as TL dates are. */
  readonly nowSeconds: number
}

/** Builds the TL answer of one method. */
export type Answer = (context: AnswerContext) => CallOutcome

/** A method family: method name -> its answer builder. */
export type AnswerTable = Readonly<Record<string, Answer>>

/** An `rpc_error` outcome. */
export function error(code: number, message: string): CallOutcome {
  return { error: { code, message } }
}

/** The logged-in user of a call that needs one (the world has refused it otherwise). */
export function self(context: AnswerContext): WorldUser {
  if (context.user === undefined) throw new Error(`${context.call.method} reached its answer without a user`)
  return context.user
}
