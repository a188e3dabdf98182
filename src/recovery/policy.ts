import type { RpcError } from '../error/rpc-error.js'
import type { CallContext } from './call-context.js'
import type { RecoveryError } from './errors.js'

/**
 * A failed attempt, as a value: an error from the API, or one the engine made (a transport or hook
 * failure, a flood window held locally). Inside the chain errors are values; only `invoke` throws.
 */
export type Failure = RpcError | RecoveryError

/** Repeat the call now (the policy has already waited, moved or repaired what it had to). */
export const RETRY = 'retry'
/** Not this policy's business: ask the next one. Returning `undefined` means the same. */
export const PASS = 'pass'
/** Give the failure to the caller now; no later policy is asked. */
export const STOP = 'stop'

/** What a policy decided about a failure. `{ stop: failure }` ends the call with another failure. */
export type Decision = typeof RETRY | typeof PASS | typeof STOP | { readonly stop: Failure }

/** Ends the call with `failure` instead of the one being handled (e.g. the failure of a hook). */
export function stopWith(failure: Failure): Decision {
  return { stop: failure }
}

/**
 * One concern of recovery, as a small object the engine consults, in chain order:
 * - `beforeSend` before every send (the first and each repeat): return nothing to go on, or a
 *   failure to end the call without sending. May wait (return a promise); the synchronous answer
 *   is the fast path.
 * - `onFailure` after each failed send, until one policy returns something other than `PASS`.
 * - `onSuccess` after the successful send.
 *
 * Why objects and not `(ctx, next)` middleware: six nested async layers cost about 0.6 µs per call
 * on the happy path (measured), more than the whole engine is allowed; here a successful call pays
 * one `await`, and a policy without `beforeSend` / `onSuccess` costs nothing at all on it.
 */
export interface Policy {
  /** Identifies the policy in `defaultPolicies()` and in per-call `handle` switches. */
  readonly name: string
  /** Runs before every send; returns a failure to end the call without sending. */
  beforeSend?(call: CallContext): Failure | undefined | PromiseLike<Failure | undefined>
  /** Decides what to do about a failed send. */
  onFailure?(call: CallContext, failure: Failure): Decision | undefined | PromiseLike<Decision | undefined>
  /** Observes a successful send (e.g. to close a circuit breaker). Must not throw. */
  onSuccess?(call: CallContext, value: unknown): void
}
