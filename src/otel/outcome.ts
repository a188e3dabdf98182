import { isRpcError } from '../error/rpc-error.js'
import {
  CircuitOpenError,
  DeadlineExceededError,
  InvokerClosedError,
  NetworkError,
} from '../recovery/errors.js'

/**
 * How a call ended, as a metric label: `ok`, the error category of an API error (`flood`,
 * `bad_request`, ...), or what ended it otherwise. A closed set, so it is safe as an attribute.
 */
export type CallOutcome =
  | 'ok'
  | 'see_other'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'flood'
  | 'internal'
  | 'deadline'
  | 'aborted'
  | 'closed'
  | 'circuit_open'
  | 'network'
  | 'other'

/** The outcome label of a call that threw `error`; `aborted` when the caller's signal fired. */
export function outcomeOf(error: unknown, signal: AbortSignal | undefined): CallOutcome {
  if (isRpcError(error)) return error.category.toLowerCase() as CallOutcome
  if (signal?.aborted === true) return 'aborted'
  if (error instanceof DeadlineExceededError) return 'deadline'
  if (error instanceof InvokerClosedError) return 'closed'
  if (error instanceof CircuitOpenError) return 'circuit_open'
  if (error instanceof NetworkError) return 'network'
  return 'other'
}

/** The error label of a failure being retried: its category, or `network` / `other`. */
export function causeOf(failure: unknown): CallOutcome {
  return outcomeOf(failure, undefined)
}

/** The error type an API error is known by (its template when it has one), for `error.type`. */
export function errorTypeOf(error: unknown): string {
  if (isRpcError(error)) return error.template ?? error.type ?? String(error.code)
  if (error instanceof Error) return error.name
  return 'unknown'
}
