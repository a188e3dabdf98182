import type { RpcCallMiddleware, RpcCallMiddlewareContext } from '@mtcute/core'
import { setLongTimeout } from '../../recovery/long-timer.js'
import type { World, WorldCall, WorldOutcome } from '../world/index.js'
import { worldParamsOf } from './world-params.js'

/** Options of {@link worldServer}. */
export interface MtcuteWorldOptions {
  /** The simulated server that answers every call. */
  readonly world: World
  /** The world account the client is logged in as. */
  readonly account: string
  /** mtcute's primary DC at start. */
  readonly primaryDcId: number
  /** Asked before the world for every call: return an outcome to answer with it instead (scripted faults). */
  readonly intercept?: (call: WorldCall) => WorldOutcome | undefined
  /**
   * Answer after this many real milliseconds. Default 0: answers come a microtask later, which is
   * what fake clocks need.
   */
  readonly latencyMs?: number
}

/** The fake server behind an mtcute client's middleware chain. */
export interface MtcuteWorld {
  /** Put it last in `network.middlewares`: it answers every call and never calls `next`. */
  readonly middleware: RpcCallMiddleware
  /** Every call that reached the server, in order. */
  readonly calls: readonly WorldCall[]
  /** mtcute's primary DC: where calls that name no DC go. */
  readonly primaryDcId: number
  /**
   * Answers the network manager's `getPrimaryDcId` and `changePrimaryDc` from here, since the
   * connections behind them need sockets. Done on the first call anyway; call it before the first
   * call when the home DC must be known from the start.
   */
  standIn(manager: RpcCallMiddlewareContext['manager']): void
}

/**
 * A last middleware answering every call of an mtcute client from the simulated world, in the form
 * mtcute's own network layer resolves with: the result object, or an `mt_rpc_error` from which the
 * client builds its `tl.RpcError` (`RpcError.fromTl`) as it would for the wire.
 *
 * It also stands in for the connection management below the chain, which needs sockets: the
 * network manager's `getPrimaryDcId` and `changePrimaryDc` are answered here.
 */
export function worldServer(options: MtcuteWorldOptions): MtcuteWorld {
  const calls: WorldCall[] = []
  let primaryDcId = options.primaryDcId
  const patched = new WeakSet<object>()
  const latencyMs = options.latencyMs ?? 0

  function standIn(manager: RpcCallMiddlewareContext['manager']): void {
    if (patched.has(manager)) return
    patched.add(manager)
    manager.getPrimaryDcId = () => primaryDcId
    manager.changePrimaryDc = async (dcId: number) => {
      primaryDcId = dcId
    }
  }

  const middleware: RpcCallMiddleware = async (ctx) => {
    standIn(ctx.manager)
    const call: WorldCall = {
      dcId: ctx.params?.dcId ?? primaryDcId,
      account: options.account,
      method: ctx.request._,
      params: worldParamsOf(ctx.request),
    }
    calls.push(call)
    const outcome = options.intercept?.(call) ?? options.world.handle(call)
    if (latencyMs > 0) await new Promise<void>((resolve) => setLongTimeout(resolve, latencyMs))
    if (outcome.kind === 'error') {
      return { _: 'mt_rpc_error', errorCode: outcome.code, errorMessage: outcome.message }
    }
    return resultOf(call, outcome.value)
  }

  return {
    middleware,
    calls,
    get primaryDcId() {
      return primaryDcId
    },
    standIn,
  }
}

/** The world's plain answers as the TL objects mtcute's callers expect. */
function resultOf(call: WorldCall, value: unknown): unknown {
  if (call.method !== 'messages.sendMessage') return value
  const id = Number((value as { id?: unknown } | undefined)?.id)
  return { _: 'updateShortSentMessage', id, pts: id, ptsCount: 1, date: Math.floor(Date.now() / 1000) }
}
