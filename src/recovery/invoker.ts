import { isInstanceOf } from '../error/foreign-value.js'
import { isRpcError, RpcError } from '../error/rpc-error.js'
import type { FloodStore } from '../flood/flood-store.js'
import { describeFailure } from './attempt.js'
import { abortReason, Call, INTERRUPTED, PENDING, SUCCEEDED } from './call.js'
import { type CallInterceptor, type InterceptedCall, InterceptorChain } from './call-interceptor.js'
import { type CallLimits, type CallOptions, limitsFor } from './call-options.js'
import { checkCallOptions, checkInvokerOptions } from './check-options.js'
import type { Clock } from './clock.js'
import { defaultPolicies } from './default-policies.js'
import { DiagnosticReport } from './diagnostic-report.js'
import { Engine } from './engine.js'
import { DeadlineExceededError, InvokerClosedError, NetworkError, RecoveryError } from './errors.js'
import type { RecoveryEvents, Unsubscribe } from './events.js'
import type { Failure } from './failure.js'
import type { InvokerOptions, SendRequest } from './options.js'
import type { PacingSnapshot } from './pacing-service.js'
import { type Decision, type OpenWindow, PASS, type Policy, RETRY } from './policy.js'
import { attachDetails, detailsOf, type RecoveryDetailsInit } from './recovery-details.js'

/** Calls the Telegram API through the recovery engine. Created by {@link createInvoker}. */
export interface Invoker {
  /**
   * Calls `method` with `params` and resolves with the result. Rejects with the last real error
   * (details attached: see `detailsOf`), a `DeadlineExceededError`, the signal's reason when
   * aborted, or an `InvokerClosedError`, always with the stack of this call site.
   */
  <R = unknown>(method: string, params?: unknown, options?: CallOptions): Promise<R>
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof RecoveryEvents>(name: K, listener: (event: RecoveryEvents[K]) => void): Unsubscribe
  /** The account label, part of every flood key. */
  readonly account: string
  /** The account's home DC, when known. */
  readonly homeDcId: number | undefined
  /**
   * Sets the home DC without a redirect: for an adapter whose client chose or moved its main DC by
   * itself (a saved session, the client's own migration). No event, no hook; calls that have not
   * picked a DC yet go there.
   */
  setHomeDcId(dcId: number): void
  /** Whether a login is known to hold on this account (see the `authorized` option). */
  readonly authorized: boolean
  /**
   * Records that a login holds (a session the client restored by itself) or no longer holds (logged
   * out elsewhere): before a login holds, a 401 on home is "not logged in yet", not a dead session.
   */
  setAuthorized(authorized: boolean): void
  /** Calls in progress. */
  readonly pendingCount: number
  /** The limits every call starts from (the invoker's options over the defaults). */
  readonly limits: CallLimits
  /** The invoker's clock. */
  readonly clock: Clock
  /** The flood store in use. */
  readonly floodStore: FloodStore
  /**
   * The open flood window that would hold a call of `method` with `params` at `now` (default: now
   * on the invoker's clock), if any: lets a pool of accounts pick the one that can send soonest.
   */
  floodWindowOf(method: string, params?: unknown, now?: number): OpenWindow | undefined
  /**
   * The paces learned so far (key, rate, next free slot, calls waiting) and the methods still in
   * slow start: for dashboards. Diagnostic reports carry the paces of their call's method.
   */
  pacingSnapshot(): PacingSnapshot
  /** Whether `close()` was called. */
  readonly closed: boolean
  /** Aborted when the invoker closes: for what the transport keeps open on the invoker's behalf. */
  readonly lifetimeSignal: AbortSignal
  /** Ends every pending call with an `InvokerClosedError` and refuses new calls. */
  close(reason?: unknown): void
  /** Wraps every later call in `interceptor` (tracing); returns the function that removes it. */
  intercept(interceptor: CallInterceptor): Unsubscribe
}

class Request implements SendRequest {
  readonly method: string
  readonly params: unknown
  readonly dcId: number | undefined
  readonly attempt: number
  readonly context: unknown
  readonly #call: Call

  constructor(call: Call) {
    this.method = call.method
    this.params = call.params
    this.dcId = call.dcId
    this.attempt = call.attempt
    this.context = call.options?.context
    this.#call = call
  }

  get signal(): AbortSignal {
    return this.#call.signal
  }
}

/** A call as interceptors see it; its send count is read from the engine's call once that exists. */
class ObservedCall implements InterceptedCall {
  #call: Call | undefined = undefined

  constructor(
    readonly method: string,
    readonly params: unknown,
    readonly options: CallOptions | undefined,
    readonly account: string,
    readonly dcId: number | undefined,
  ) {}

  get sends(): number {
    return this.#call?.attempt ?? 0
  }

  /** Links the engine's call, once `invoke` has made it. */
  watch(call: Call): void {
    this.#call = call
  }
}

const RESOLVED: Promise<void> = Promise.resolve()

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function'
}

/** Anything `send` threw: an API error in any accepted shape, else a network failure. */
function failureOfThrown(thrown: unknown, call: Call): Failure {
  return RpcError.tryFrom(thrown) ?? new NetworkError(thrown, call.method, call.dcId)
}

/**
 * A `send` may also resolve with an error. Only unmistakable error shapes count (our errors, `Error`
 * objects, TL / Bot API error bodies), so an ordinary result is never taken for one; this check is
 * a few property reads on the happy path.
 */
function failureOfResolved(value: unknown, call: Call): Failure | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  return looksLikeError(value) ? failureOfThrown(value, call) : undefined
}

function looksLikeError(value: object): boolean {
  const bag = value as { errorCode?: unknown; error_code?: unknown }
  // A result whose reading throws (a Proxy's trap) is not an error shape: it is handed back as is.
  try {
    return (
      isRpcError(value) ||
      value instanceof Error ||
      typeof bag.errorCode === 'number' ||
      typeof bag.error_code === 'number'
    )
  } catch {
    return false
  }
}

/**
 * Whether the engine may write on `error`: an `RpcError` whose fields read cleanly, or one of its
 * own errors. Anything else a policy or hook threw (a Proxy whose traps throw, say) is thrown
 * exactly as it is, unread.
 */
function isAnnotatable(error: unknown): error is RpcError | RecoveryError {
  return (isRpcError(error) && RpcError.tryFrom(error) === error) || isInstanceOf(error, RecoveryError)
}

/** Points the stack at the caller of `invoke` (async frames included), hiding the engine's. */
function withCallerStack<E>(error: E): E {
  if (!isAnnotatable(error)) return error
  if (isRpcError(error)) error.captureStack(withCallerStack)
  else {
    const capture = (Error as { captureStackTrace?: (target: object, below?: unknown) => void })
      .captureStackTrace
    capture?.(error, withCallerStack)
  }
  return error
}

function cloneRpcError(error: RpcError): RpcError {
  return error.type === undefined
    ? RpcError.from(error.code, error.errorMessage)
    : RpcError.from({ code: error.code, type: error.type, description: error.description })
}

/**
 * Creates an invoker around `send`. Every option but `send` has a default; see `InvokerOptions`
 * and docs/recovery.md.
 *
 * ```ts
 * const invoke = createInvoker({ send, authorizeOn })
 * const result = await invoke('messages.sendMessage', params, { signal, deadlineMs: 10_000 })
 * ```
 */
export function createInvoker(options: InvokerOptions): Invoker {
  checkInvokerOptions(options)
  const engine = new Engine(options)
  const send = options.send
  const policies: readonly Policy[] = options.policies ?? defaultPolicies()
  // Split once, so a send consults only the policies that have something to say at that point.
  const before = policies.filter((policy) => policy.beforeSend !== undefined)
  const onFailure = policies.filter((policy) => policy.onFailure !== undefined)
  const onSuccess = policies.filter((policy) => policy.onSuccess !== undefined)
  const clock = engine.clock

  async function run(call: Call): Promise<void> {
    try {
      for (;;) {
        for (let i = 0; i < before.length; i++) {
          let early = (before[i] as Policy).beforeSend?.(call)
          if (early !== undefined && isThenable(early)) {
            early = await early
            // The first send no longer starts with the call, and the guards armed one microtask
            // after the start saw no send in flight: arm them before this one.
            call.quiet = false
          }
          if (call.status !== PENDING) return
          if (early !== undefined) return call.fail(early)
        }
        // `undefined` means "home, not known yet": once another call has learnt it, say it.
        if (call.dcId === undefined) call.dcId = engine.homeDcId
        call.attempt++
        const sentAt = call.quiet ? Number.NaN : clock.now()
        let failure: Failure | undefined
        let value: unknown
        // After a failure or a wait the call is on the slow path anyway: guard every send at once.
        if (!call.quiet) call.armGuards()
        call.sending = true
        try {
          value = await send(new Request(call))
          failure = failureOfResolved(value, call)
        } catch (thrown) {
          failure = failureOfThrown(thrown, call)
        }
        call.sending = false
        if (call.status !== PENDING) return
        if (failure === undefined) {
          for (let i = 0; i < onSuccess.length; i++) (onSuccess[i] as Policy).onSuccess?.(call, value)
          return call.succeed(value)
        }
        call.recordAttempt(sentAt, failure)
        let decision: Decision | undefined
        for (let i = 0; i < onFailure.length; i++) {
          let answer = (onFailure[i] as Policy).onFailure?.(call, failure)
          if (answer !== undefined && isThenable(answer)) answer = await answer
          if (call.status !== PENDING) return
          if (answer !== undefined && answer !== PASS) {
            decision = answer
            break
          }
        }
        if (decision === RETRY) continue
        return call.fail(typeof decision === 'object' ? decision.stop : failure)
      }
    } catch (bug) {
      // A policy or hook threw instead of returning a decision: end the call with what it threw.
      call.fail(bug)
    }
  }

  /** The error `invoke` throws for a call that did not succeed. */
  function conclude(call: Call): unknown {
    const ended = call.result
    if (call.status === INTERRUPTED) return ended
    // A call refused before its first send has not read its start yet; read it before the end.
    const startedAt = call.startedAt
    const endedAt = clock.now()
    let error = ended
    const annotatable = isAnnotatable(error)
    // Details of an earlier call on the same object are kept; this call's go on a fresh error.
    if (annotatable && isRpcError(error) && detailsOf(error) !== undefined) error = cloneRpcError(error)
    const notes = call.notesFor(ended)
    const giveUpReason =
      notes.giveUpReason ??
      (isInstanceOf(error, DeadlineExceededError) ? 'deadline' : ('not-retryable' as const))
    if (annotatable) {
      const target = error as RpcError | RecoveryError
      const knowledge = isRpcError(target) ? engine.knowledge(target) : undefined
      const init: RecoveryDetailsInit = {
        ...notes,
        method: call.method,
        attempts: call.history,
        lastDcId: call.dcId,
        giveUpReason,
        ...(knowledge?.field !== undefined && { field: knowledge.field }),
        ...(knowledge?.userMessage !== undefined && { userMessage: knowledge.userMessage }),
        ...(isRpcError(target) && target.code === 406 && { notForUser: true }),
        ...(knowledge?.entry !== undefined && { catalogEntry: knowledge.entry }),
      }
      attachDetails(target, init, () => {
        const { code, message } = describeFailure(target)
        return new DiagnosticReport({
          method: call.method,
          params: engine.redactParams(call.params, call.method),
          dcId: call.dcId,
          homeDcId: engine.homeDcId,
          startedAt: call.startedAt,
          endedAt,
          outcome: { name: target.name, code, message },
          attempts: call.history,
          pacing: engine.pacing
            .snapshot()
            .paces.filter((pace) => pace.method === call.method || pace.method === '*'),
        })
      })
      if (isRpcError(target) && target.code === 406 && engine.events.has('notForUser')) {
        engine.events.emit('notForUser', { method: call.method, account: call.account, error: target })
      }
    }
    if (engine.events.has('giveUp')) {
      engine.events.emit('giveUp', {
        method: call.method,
        account: call.account,
        dcId: call.dcId,
        reason: giveUpReason,
        error,
        attempts: call.history,
        durationMs: endedAt - startedAt,
      })
    }
    return error
  }

  async function invoke(
    method: string,
    params?: unknown,
    callOptions?: CallOptions,
    observed?: ObservedCall,
  ): Promise<unknown> {
    if (engine.closed) throw withCallerStack(new InvokerClosedError(method))
    if (callOptions !== undefined) checkCallOptions(callOptions)
    const signal = callOptions?.signal
    if (signal?.aborted) throw abortReason(signal, method)
    const call = new Call(engine, method, params, callOptions, limitsFor(callOptions, engine.limits))
    engine.link(call)
    observed?.watch(call)
    void run(call)
    // One microtask later an instant send has settled; only a first send still in flight then
    // needs the deadline timer and the abort listener. (A promise reaction rather than
    // queueMicrotask, which Node wraps in an AsyncResource.)
    if (call.sending) RESOLVED.then(() => call.sending && call.armGuards())
    const value = await call.done
    if (call.status === SUCCEEDED) return value
    throw withCallerStack(conclude(call))
  }

  const interceptors = new InterceptorChain()
  // Without interceptors (the common case) the call goes straight in: one length check.
  const entry = (method: string, params?: unknown, callOptions?: CallOptions): Promise<unknown> => {
    if (!interceptors.active) return invoke(method, params, callOptions)
    const dcId = callOptions?.dcId ?? engine.homeDcId
    const call = new ObservedCall(method, params, callOptions, engine.account, dcId)
    try {
      return interceptors.run(call, () => invoke(method, params, callOptions, call))
    } catch (bug) {
      // An interceptor that throws instead of rejecting still ends the call with a rejection.
      return Promise.reject(bug)
    }
  }

  const invoker = Object.defineProperties(entry, {
    on: {
      value: <K extends keyof RecoveryEvents>(name: K, listener: (event: RecoveryEvents[K]) => void) =>
        engine.events.on(name, listener),
    },
    account: { value: engine.account },
    homeDcId: { get: () => engine.homeDcId },
    setHomeDcId: {
      value: (dcId: number) => {
        engine.homeDcId = dcId
      },
    },
    authorized: { get: () => engine.authorized },
    setAuthorized: {
      value: (authorized: boolean) => {
        engine.authorized = authorized === true
      },
    },
    pendingCount: { get: () => engine.pendingCount },
    limits: { value: engine.limits },
    clock: { value: engine.clock },
    floodStore: { value: engine.floodStore },
    floodWindowOf: {
      value: (method: string, params?: unknown, now?: number) =>
        engine.openFloodWindow(method, params, now ?? clock.now()),
    },
    pacingSnapshot: { value: () => engine.pacing.snapshot() },
    closed: { get: () => engine.closed },
    lifetimeSignal: { get: () => engine.lifetimeSignal },
    close: { value: (reason?: unknown) => engine.close(reason) },
    intercept: { value: (interceptor: CallInterceptor) => interceptors.add(interceptor) },
  }) as unknown as Invoker
  engines.set(invoker, engine)
  return invoker
}

/** The engine behind each invoker, for tests that look inside (not exported from the package). */
const engines = new WeakMap<Invoker, Engine>()

/** The engine behind `invoker`: internal state for tests; no public entry point exports this. */
export function engineOf(invoker: Invoker): Engine {
  const engine = engines.get(invoker)
  if (engine === undefined) throw new TypeError('not an invoker made by createInvoker')
  return engine
}
