import { describeThrown } from '../error/foreign-value.js'

/**
 * Errors the engine makes itself, as opposed to the `RpcError`s that come from the wire. Every one
 * says which call it belongs to, so a log line is useful without the stack.
 */
export class RecoveryError extends Error {
  /** The API method of the call, when the error belongs to one. */
  readonly method: string | undefined

  /** Builds an error for `method` (if any), with an optional `cause`. */
  constructor(message: string, method?: string, options?: { cause?: unknown }) {
    super(message, options)
    this.method = method
  }
}

/**
 * `send` failed without an error the Telegram API sent: the connection dropped, a socket timed out,
 * the transport threw. The original value is the `cause`. Treated like a 500 for retries: the call
 * may or may not have reached the server, exactly as with an internal error.
 */
export class NetworkError extends RecoveryError {
  /** The DC the call was sent to, when known. */
  readonly dcId: number | undefined

  /** Wraps what `send` threw. */
  constructor(cause: unknown, method?: string, dcId?: number) {
    super(`send failed: ${describe(cause)}`, method, { cause })
    this.dcId = dcId
  }
}

/** A user hook (`authorizeOn`, `onHomeDcChange`, a repair hook) failed with something that is not an `RpcError`. */
export class HookError extends RecoveryError {
  /** The name of the hook option that failed. */
  readonly hook: string

  /** Wraps what the hook threw. */
  constructor(hook: string, cause: unknown, method?: string) {
    super(`${hook} failed: ${describe(cause)}`, method, { cause })
    this.hook = hook
  }
}

/** The call's time budget (`deadlineMs`) ran out. The last failure, if any, is the `cause`. */
export class DeadlineExceededError extends RecoveryError {
  /** The budget that ran out, in milliseconds. */
  readonly deadlineMs: number

  /** Builds the error for `method` with the budget it had and the last failure seen. */
  constructor(method: string, deadlineMs: number, lastFailure?: unknown) {
    super(
      `${method}: deadline of ${deadlineMs} ms exceeded`,
      method,
      lastFailure === undefined ? undefined : { cause: lastFailure },
    )
    this.deadlineMs = deadlineMs
  }
}

/** The invoker was closed while the call was pending, or before it was made. */
export class InvokerClosedError extends RecoveryError {
  /** Builds the error for `method`. */
  constructor(method?: string, reason?: unknown) {
    super(
      method === undefined ? 'invoker closed' : `${method}: invoker closed`,
      method,
      reason === undefined ? undefined : { cause: reason },
    )
  }
}

/**
 * The call's signal was aborted without a reason. Runtimes that support `AbortSignal.reason` reject
 * with the reason itself (a `DOMException` named `AbortError` by default); this is the fallback.
 */
export class CallAbortedError extends RecoveryError {
  /** Builds the error for `method`. */
  constructor(method: string) {
    super(`${method}: aborted`, method)
  }
}

/**
 * The circuit of the call's DC is open (a storm of internal errors, timeouts or network failures
 * there), and the call was not sent. Only thrown for a call that never got a real error; one that
 * did ends with that error, `giveUpReason: 'circuit-open'` and `retryAt`.
 */
export class CircuitOpenError extends RecoveryError {
  /** The DC whose circuit is open (`undefined`: the home DC, not known yet). */
  readonly dcId: number | undefined
  /** When the next probe may go to that DC, epoch ms; sooner is pointless. */
  readonly retryAt: number

  /** Builds the error for `method` on `dcId`. */
  constructor(method: string, dcId: number | undefined, retryAt: number) {
    super(
      `${method}: circuit open for DC ${dcId ?? 'home'}, next probe at ${new Date(retryAt).toISOString()}`,
      method,
    )
    this.dcId = dcId
    this.retryAt = retryAt
  }
}

for (const Class of [
  RecoveryError,
  NetworkError,
  HookError,
  DeadlineExceededError,
  InvokerClosedError,
  CallAbortedError,
  CircuitOpenError,
]) {
  Object.defineProperty(Class.prototype, 'name', { value: Class.name, writable: true, configurable: true })
}

/** A thrown value, told safely and briefly: user code may throw anything, a Proxy included. */
const describe = describeThrown
