import {
  MtTimeoutError,
  networkMiddlewares,
  type RpcCallMiddleware,
  type RpcCallMiddlewareContext,
  type RpcCallOptions,
} from '@mtcute/core'
import { isInstanceOf } from '../../error/foreign-value.js'
import { isRpcError } from '../../error/rpc-error.js'
import type { CallOptions } from '../../recovery/call-options.js'
import { checkInvokerOptions } from '../../recovery/check-options.js'
import { defaultPolicies } from '../../recovery/default-policies.js'
import { NetworkError } from '../../recovery/errors.js'
import type { RecoveryEvents, Unsubscribe } from '../../recovery/events.js'
import { createInvoker, type Invoker } from '../../recovery/invoker.js'
import type { InvokerOptions, SendRequest } from '../../recovery/options.js'
import { insertBeforeRetry } from '../insert-before-retry.js'
import { toMtRpcError } from './mt-rpc-error.js'
import { RETRY_503, retry503Policy } from './retry-503-policy.js'

/**
 * Options of {@link mtcuteRecovery}: every option of `createInvoker` except `send`.
 * `onHomeDcChange` defaults to mtcute's own `changePrimaryDc`. With your own `policies`, add
 * `retry503Policy` before the retry policy to keep honouring mtcute's `throw503` call option.
 */
export type MtcuteRecoveryOptions = Omit<InvokerOptions, 'send'>

/** What {@link mtcuteRecovery} returns. */
export interface MtcuteRecovery {
  /**
   * The chain to give mtcute (`network: { middlewares }`): mtcute's `mediaThrottle`, then ours in
   * place of `floodWaiter` and `internalErrorsHandler`.
   */
  readonly middlewares: RpcCallMiddleware[]
  /** Our middleware alone, to compose a chain of your own. */
  readonly middleware: RpcCallMiddleware
  /** Subscribes to an event of the engine; returns the function that unsubscribes. */
  on<K extends keyof RecoveryEvents>(name: K, listener: (event: RecoveryEvents[K]) => void): Unsubscribe
  /** The engine itself (flood store, home DC, pending calls, `close()`). */
  readonly invoker: Invoker
}

/** What the engine hands back to `send` for each call. */
interface Carried {
  readonly ctx: RpcCallMiddlewareContext
  readonly next: (ctx: RpcCallMiddlewareContext) => Promise<unknown>
}

type Manager = RpcCallMiddlewareContext['manager']

/**
 * The recovery engine as an mtcute network middleware: one per client. Flood waits, internal
 * errors, FILE/STATS_MIGRATE and input errors are decided by our policies; everything below the
 * chain stays mtcute's (connections, home-DC migrations it follows itself, re-exporting the
 * authorization on AUTH_KEY_UNREGISTERED). Errors still reach your code as mtcute's own
 * `tl.RpcError`; our details come with the `giveUp` event, and `explain(error)` reads the catalogue.
 *
 * ```ts
 * const recovery = mtcuteRecovery({ maxFloodWaitMs: 30_000 })
 * const tg = new TelegramClient({ apiId, apiHash, network: { middlewares: recovery.middlewares } })
 * ```
 */
export function mtcuteRecovery(options: MtcuteRecoveryOptions = {}): MtcuteRecovery {
  checkInvokerOptions(options, 'mtcuteRecovery', false)
  // The hook runs outside any one call; the manager of the latest call is the client's.
  let manager: Manager | undefined
  let movesInFlight = 0
  const invoker = createInvoker({
    ...options,
    policies: options.policies ?? insertBeforeRetry(defaultPolicies(), retry503Policy),
    send,
    onHomeDcChange:
      options.onHomeDcChange ??
      (async (change) => {
        movesInFlight++
        try {
          await manager?.changePrimaryDc(change.toDcId)
        } finally {
          movesInFlight--
        }
      }),
  })

  /** mtcute may move its primary DC by itself (it follows USER_MIGRATE below the chain). */
  function syncHomeDcId(current: Manager): void {
    if (movesInFlight > 0) return
    let dcId: number
    try {
      dcId = current.getPrimaryDcId()
    } catch {
      return // not connected yet: the home DC is not known
    }
    if (invoker.homeDcId !== dcId) invoker.setHomeDcId(dcId)
  }

  function send(attempt: SendRequest): Promise<unknown> {
    const { ctx, next } = attempt.context as Carried
    const given = ctx.params
    const params: RpcCallOptions = {
      ...given,
      abortSignal: attempt.signal,
      // Should mtcute's own floodWaiter or internalErrorsHandler still sit below us, they give
      // every answer straight back instead of sleeping or repeating behind the engine's back.
      floodSleepThreshold: 0,
      maxRetryCount: 0,
    }
    const dcId = attempt.dcId
    // Home is left to mtcute (its primary DC); a DC is named only when the caller or a redirect did.
    if (dcId !== undefined && (dcId !== invoker.homeDcId || given?.dcId !== undefined)) {
      params.dcId = dcId
      // A manager given by the caller would win over the DC a redirect named.
      if (dcId !== given?.dcId) delete params.manager
    }
    return next({ ...ctx, request: attempt.params as RpcCallMiddlewareContext['request'], params })
  }

  const middleware: RpcCallMiddleware = async (ctx, next) => {
    manager = ctx.manager
    syncHomeDcId(ctx.manager)
    const carried: Carried = { ctx, next }
    try {
      return await invoker(ctx.request._, ctx.request, callOptionsOf(ctx, carried))
    } catch (error) {
      return outcomeOf(error, ctx.params)
    }
  }

  return {
    middlewares: [networkMiddlewares.mediaThrottle(), middleware],
    middleware,
    on: (name, listener) => invoker.on(name, listener),
    invoker,
  }
}

/** mtcute's per-call options in the engine's terms. */
function callOptionsOf(ctx: RpcCallMiddlewareContext, context: Carried): CallOptions {
  const params = ctx.params
  // Like mtcute's own middlewares, a call also ends when the client stops (disconnect, destroy).
  // A signal of its own per call: held calls listen to their signal, and hundreds of them on the
  // client's one stop signal would trip Node's listener-leak warning; AbortSignal.any links the
  // two without a listener on the stop signal.
  const stop = ctx.manager.params.stopSignal as AbortSignal | undefined
  const sources = [params?.abortSignal, stop].filter((source) => source !== undefined)
  const signal = sources.length === 0 ? undefined : anyOf(sources)
  const retries = params?.maxRetryCount
  return {
    context,
    ...(signal !== undefined && { signal }),
    ...(params?.dcId !== undefined && { dcId: params.dcId }),
    // mtcute's floodSleepThreshold is already in milliseconds.
    ...(params?.floodSleepThreshold !== undefined && { maxFloodWaitMs: params.floodSleepThreshold }),
    // mtcute counts repeats; the engine counts failed sends.
    ...(retries !== undefined && { maxAttempts: retries + 1, maxFloodWaits: retries }),
    ...(params?.throw503 === true && { handle: { [RETRY_503]: false } }),
  }
}

/**
 * How a call that failed leaves the middleware: an API error as the rpc_error object mtcute's
 * layers return (mtcute then throws its own `tl.RpcError`, stack and all); -503 under `throw503` as
 * mtcute's `MtTimeoutError`, as its own handler does; a failure below the chain as it was thrown;
 * the engine's own outcomes (deadline, abort, `close()`) as they are.
 */
function outcomeOf(error: unknown, params: RpcCallOptions | undefined): unknown {
  if (isRpcError(error)) {
    if (error.code === -503 && params?.throw503 === true) throw new MtTimeoutError()
    return toMtRpcError(error)
  }
  if (isInstanceOf(error, NetworkError)) throw error.cause
  throw error
}

/** `AbortSignal.any`, or the first signal on runtimes without it (Node before 20.3). */
function anyOf(signals: AbortSignal[]): AbortSignal {
  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any
  return typeof any === 'function' ? any.call(AbortSignal, signals) : (signals[0] as AbortSignal)
}
