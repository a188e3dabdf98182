import { isRpcError } from '../error/rpc-error.js'

/** One send of a call that did not succeed, as kept in the call's history. Times in ms. */
export interface AttemptRecord {
  /** 1 for the first send of the call. */
  readonly attempt: number
  /** The DC the send went to (`undefined`: the home connection, DC not known). */
  readonly dcId: number | undefined
  /** When the send started (epoch ms of the invoker's clock). */
  readonly startedAt: number
  /** How long the send took until its failure arrived. */
  readonly durationMs: number
  /** Time spent between the previous send (or the start of the call) and this one: waits, backoff, hooks. */
  readonly waitMs: number
  /** The error's code, or `undefined` for a failure that did not come from the API. */
  readonly code: number | undefined
  /** The wire `error_message`, or the message of a transport or hook failure. */
  readonly message: string
}

/** The code and message a failure is recorded and reported with. */
export function describeFailure(failure: unknown): { code: number | undefined; message: string } {
  if (isRpcError(failure)) return { code: failure.code, message: failure.errorMessage }
  if (failure instanceof Error) return { code: undefined, message: `${failure.name}: ${failure.message}` }
  return { code: undefined, message: String(failure) }
}
