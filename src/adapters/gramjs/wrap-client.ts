import type { Api, TelegramClient } from 'telegram'
import { utils } from 'telegram'
import { RpcError } from '../../error/rpc-error.js'
import type { CallOptions } from '../../recovery/call-options.js'
import { checkInvokerOptions } from '../../recovery/check-options.js'
import { defaultPolicies } from '../../recovery/default-policies.js'
import type { RecoveryEvents, Unsubscribe } from '../../recovery/events.js'
import { createInvoker, type Invoker } from '../../recovery/invoker.js'
import type { InvokerOptions, SendRequest } from '../../recovery/options.js'
import { insertBeforeRetry } from '../insert-before-retry.js'
import { toGramjsError } from './client-errors.js'
import type {
  ClientInternals,
  InvokeFn,
  InvokeWithSenderFn,
  RequestLike,
  SenderLike,
} from './client-internals.js'
import { ClientDisconnectedError, disconnectedPolicy } from './disconnected.js'
import { methodNameOf } from './method-name.js'
import { reauthorizeOn } from './reauthorize.js'
import { paramsOf } from './request-params.js'
import { keepWholeContainers } from './whole-containers.js'

/**
 * Options of {@link wrapClient}: every option of `createInvoker` except `send`. The hooks default
 * to GramJS's own means: `onHomeDcChange` to `client._switchDC`, `authorizeOn` to the export and
 * import GramJS runs when it connects a sender to another DC. With your own `policies`, add
 * `disconnectedPolicy` before the retry policy so calls on a disconnected client end at once.
 */
export type GramjsRecoveryOptions = Omit<InvokerOptions, 'send'>

/** Options of one call made with {@link GramjsRecovery.invoke}. */
export type GramjsCallOptions = Omit<CallOptions, 'context'>

/** What {@link wrapClient} returns. */
export interface GramjsRecovery {
  /**
   * Calls `request` through the engine with per-call options (`signal`, `deadlineMs`, `dcId`,
   * `handle`, ...). `client.invoke(request)` is the same call with the defaults.
   */
  invoke<R extends Api.AnyRequest>(request: R, options?: GramjsCallOptions): Promise<R['__response']>
  /** Subscribes to an event of the engine; returns the function that unsubscribes. */
  on<K extends keyof RecoveryEvents>(name: K, listener: (event: RecoveryEvents[K]) => void): Unsubscribe
  /** The engine itself (flood store, home DC, pending calls, `close()`). */
  readonly invoker: Invoker
  /**
   * Gives the client its own `invoke`, `invokeWithSender`, `floodSleepThreshold` and
   * `requestRetries` back. Calls already in the engine finish there.
   */
  unwrap(): void
}

/** What the engine hands back to `send` for each call. */
interface Carried {
  readonly request: RequestLike
  /** The sender given to `invokeWithSender`, used while the call stays on its DC. */
  readonly sender: SenderLike | undefined
  /** The caller named the DC: GramJS then uses a sender of its own for it, even for home. */
  readonly explicitDc: boolean
}

const WRAPPED: unique symbol = Symbol.for('mtproto-errors.gramjs.wrapped') as never

const NOT_CONNECTED = 'Cannot send requests while disconnected. You need to call .connect()'

/**
 * Routes every `client.invoke(request)` (and `invokeWithSender`) of a GramJS `TelegramClient`
 * through the recovery engine: one attempt per send, GramJS's own flood sleeping and retry loop out
 * of the way, and our policies deciding. The client keeps working as before for everything else;
 * errors still reach your code as GramJS's own classes (`FloodWaitError`, `RPCError`, ...), with
 * the engine's details on them (`detailsOf(error)`).
 *
 * ```ts
 * const recovery = wrapClient(client, { maxFloodWaitMs: 30_000 })
 * await client.sendMessage('me', { message: 'hi' }) // recovered
 * ```
 */
export function wrapClient(client: TelegramClient, options: GramjsRecoveryOptions = {}): GramjsRecovery {
  checkInvokerOptions(options, 'wrapClient', false)
  const internals = client as unknown as ClientInternals & { [WRAPPED]?: boolean }
  if (internals[WRAPPED] === true) throw new Error('wrapClient: this client is already wrapped')

  /** GramJS's error objects behind the converted ones, so the caller gets GramJS's classes back. */
  const originals = new WeakMap<RpcError, Error>()
  // While our own move of the home DC runs, the session still names the old DC; syncing from it
  // then would undo the move.
  let movesInFlight = 0
  const invoker = createInvoker({
    ...options,
    policies: options.policies ?? insertBeforeRetry(defaultPolicies(), disconnectedPolicy),
    send,
    onHomeDcChange:
      options.onHomeDcChange ??
      (async (change) => {
        movesInFlight++
        try {
          await internals._switchDC(change.toDcId)
        } finally {
          movesInFlight--
        }
      }),
    authorizeOn: options.authorizeOn ?? ((dcId) => reauthorizeOn(internals, dcId)),
  })
  if (options.homeDcId === undefined) syncHomeDcId()

  function syncHomeDcId(): void {
    const dcId = internals.session.dcId
    if (dcId > 0 && movesInFlight === 0 && invoker.homeDcId !== dcId) invoker.setHomeDcId(dcId)
  }

  async function send(attempt: SendRequest): Promise<unknown> {
    const carried = attempt.context as Carried
    const sender = await senderFor(attempt.dcId, carried)
    keepWholeContainers(sender)
    try {
      return await sender.send(carried.request)
    } catch (thrown) {
      // Converted here (rather than by the engine) to remember GramJS's object for the caller.
      const error = RpcError.tryFrom(thrown)
      if (error === undefined) throw thrown
      originals.set(error, thrown as Error)
      throw error
    }
  }

  async function senderFor(dcId: number | undefined, carried: Carried): Promise<SenderLike> {
    if (carried.sender !== undefined && (dcId === undefined || dcId === carried.sender.dcId)) {
      return carried.sender
    }
    if (!carried.explicitDc && (dcId === undefined || dcId === invoker.homeDcId)) {
      // After a DC switch GramJS replaces the main sender; wait for the new one to be connected.
      await internals._connectedDeferred.promise
      const main = internals._sender
      // Between the two, a DC switch is under way: a transient failure the retry policy rides out.
      if (main === undefined) throw new Error(NOT_CONNECTED)
      if (main.userDisconnected === true && movesInFlight === 0 && internals._isSwitchingDc !== true) {
        throw new ClientDisconnectedError()
      }
      return main
    }
    return internals.getSender(dcId as number)
  }

  async function invokeThrough(
    request: RequestLike,
    callOptions: GramjsCallOptions,
    sender: SenderLike | undefined,
  ): Promise<unknown> {
    // The same checks, in the same order, as GramJS's own invoke.
    if (request.classType !== 'request') throw new Error('You can only invoke MTProtoRequests')
    const main = sender ?? (callOptions.dcId === undefined ? internals._sender : undefined)
    if (sender === undefined && callOptions.dcId === undefined && main === undefined) {
      throw new Error(NOT_CONNECTED)
    }
    if (main?.userDisconnected === true) throw new ClientDisconnectedError()
    await internals._connectedDeferred.promise
    await request.resolve(client, utils)
    internals._lastRequest = Date.now()
    syncHomeDcId()
    const carried: Carried = { request, sender, explicitDc: callOptions.dcId !== undefined }
    let result: unknown
    try {
      result = await invoker(methodNameOf(request.className), paramsOf(request), {
        ...callOptions,
        context: carried,
      })
    } catch (error) {
      throw toGramjsError(error, request, originals)
    }
    internals.session.processEntities(result)
    internals._entityCache.add(result)
    return result
  }

  const own = {
    invoke: Object.hasOwn(internals, 'invoke') ? internals.invoke : undefined,
    invokeWithSender: Object.hasOwn(internals, 'invokeWithSender') ? internals.invokeWithSender : undefined,
  }
  const saved = {
    floodSleepThreshold: internals.floodSleepThreshold,
    requestRetries: internals._requestRetries,
  }

  const invoke: InvokeFn = (request, dcId) =>
    invokeThrough(request, dcId === undefined || dcId === 0 ? {} : { dcId }, undefined)
  const invokeWithSender: InvokeWithSenderFn = (request, sender) =>
    invokeThrough(request, sender?.dcId === undefined ? {} : { dcId: sender.dcId }, sender)
  internals.invoke = invoke
  internals.invokeWithSender = invokeWithSender
  // Nothing reaches GramJS's retry loop any more; these make sure it would not sleep or repeat if
  // something did.
  internals.floodSleepThreshold = 0
  internals._requestRetries = 1
  internals[WRAPPED] = true

  return {
    invoke: (request, callOptions = {}) =>
      invokeThrough(request as unknown as RequestLike, callOptions, undefined) as Promise<never>,
    on: (name, listener) => invoker.on(name, listener),
    invoker,
    unwrap() {
      if (internals.invoke !== invoke) return
      restore(internals, 'invoke', own.invoke)
      restore(internals, 'invokeWithSender', own.invokeWithSender)
      internals.floodSleepThreshold = saved.floodSleepThreshold
      internals._requestRetries = saved.requestRetries
      delete internals[WRAPPED]
    },
  }
}

/** Puts back an own property, or removes ours so the prototype's method shows through again. */
function restore<K extends 'invoke' | 'invokeWithSender'>(
  target: ClientInternals,
  key: K,
  previous: ClientInternals[K] | undefined,
): void {
  if (previous === undefined) delete (target as Partial<ClientInternals>)[key]
  else target[key] = previous
}
