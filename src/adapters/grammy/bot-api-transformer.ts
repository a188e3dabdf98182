import type { Transformer } from 'grammy'
import { isInstanceOf } from '../../error/foreign-value.js'
import { isRpcError, RpcError } from '../../error/rpc-error.js'
import type { FloodStore } from '../../flood/flood-store.js'
import { createLocalPaceCalendar } from '../../flood/local-pace-calendar.js'
import type { PaceStore } from '../../flood/pace-store.js'
import type { CallOptions } from '../../recovery/call-options.js'
import { checkBoolean, checkFunction, checkString } from '../../recovery/check-option.js'
import { checkCallOptions, checkInvokerOptions } from '../../recovery/check-options.js'
import type { Clock } from '../../recovery/clock.js'
import { DeadlineExceededError, NetworkError } from '../../recovery/errors.js'
import { Emitter, type Unsubscribe } from '../../recovery/events.js'
import { floodWaitSecondsOf } from '../../recovery/flood-wait-type.js'
import { createInvoker, type Invoker } from '../../recovery/invoker.js'
import type { SendRequest } from '../../recovery/options.js'
import { detailsOf } from '../../recovery/recovery-details.js'
import { type BotApiErrorBody, classifyBotApiError } from './bot-api-errors.js'
import { type BotPolicyState, botApiPolicies } from './bot-api-policies.js'
import { type BotApiLimitsOption, isBotApiOverload, resolveBotLimits } from './bot-limits.js'
import type { BotApiEvents } from './events.js'
import { botAccountOf, botFloodKeyOf, chatKeyOf, defaultMethodClassOf } from './flood-key.js'
import { botPacePolicy } from './pace-policy.js'

/**
 * Options of {@link botApiTransformer}. Times in milliseconds. What `@grammyjs/auto-retry` calls
 * `maxRetryAttempts` is `maxAttempts` here (failed sends, so one more than its retries),
 * `maxDelaySeconds` is `maxFloodWaitMs`, `rethrowInternalServerErrors` is `retryServerErrors: false`
 * and `rethrowHttpErrors` is `retryNetworkErrors: false`.
 */
export interface BotApiTransformerOptions {
  /**
   * The bot's token. Only its id (before the colon) is kept, to keep bots sharing a flood store
   * apart; the secret never enters a key, an event or a store.
   */
  readonly token?: string
  /** The label in flood keys, when not derived from `token`. */
  readonly account?: string
  /** Where 429 windows are kept; default a new `MemoryFloodStore`. Share one (or Redis) between bots and processes. */
  readonly floodStore?: FloodStore
  /**
   * A call's whole budget, every wait and retry included. Default 60 s. With `limits`, a message
   * whose slot lies past it fails at once with `PaceDeadlineError` (raise it per call with
   * `withOptions` for a broadcast).
   */
  readonly deadlineMs?: number
  /** The longest `retry_after` waited for; a longer 429 goes to the caller at once. Default 60 s. */
  readonly maxFloodWaitMs?: number
  /** Most 429 waits slept through in one call. Default 5. */
  readonly maxFloodWaits?: number
  /** Most sends of one call ending in a 5xx or a network failure. Default 5. */
  readonly maxAttempts?: number
  /** The first backoff delay after a 5xx or network failure (doubling, ±50 % jitter). Default 1 s. */
  readonly baseDelayMs?: number
  /** The longest backoff delay. Default 64 s. */
  readonly maxDelayMs?: number
  /** Repeat calls answered with a 5xx. Default `true`. */
  readonly retryServerErrors?: boolean
  /** Repeat calls whose request failed in the network (grammY's `HttpError`). Default `true`. */
  readonly retryNetworkErrors?: boolean
  /** Repeat a call on the supergroup a group became (`migrate_to_chat_id`), once. Default `true`. */
  readonly followChatMigration?: boolean
  /**
   * Pace messages to known limits, so the server rarely has to refuse one: `'telegram'` for
   * Telegram's published numbers (about 30 a second per bot, 1 a second per private chat after a
   * burst of 3, 20 a minute per group or channel, 1000 a second with `allow_paid_broadcast`), an
   * object to set some of them yourself, `false` (the default) for none. Opt-in, because Telegram
   * may raise a bot's limits and asks bots to follow its 429s rather than fixed numbers.
   */
  readonly limits?: BotApiLimitsOption
  /**
   * Where message slots are booked. Default: the flood store when it can book them (the Redis
   * store can, so a fleet of processes shares one pace), else a schedule in this process.
   */
  readonly paceStore?: PaceStore
  /** Which limit a method counts against; default: posting methods share one, edits another. */
  readonly methodClassOf?: (method: string) => string
  /** Time source, for tests. */
  readonly clock?: Clock
  /** Random numbers in [0, 1) for jitter, for tests. */
  readonly random?: () => number
}

/**
 * What one call can set for itself through {@link BotApiTransformer.withOptions}: its budgets,
 * whether it is paced, and its priority. Times in milliseconds.
 */
export type BotCallOptions = Pick<
  CallOptions,
  'priority' | 'pace' | 'deadlineMs' | 'maxFloodWaitMs' | 'maxFloodWaits' | 'maxAttempts'
>

/** The part of grammY's `Api` that {@link BotApiTransformer.withOptions} copies. */
export interface TransformableApi {
  readonly token: string
  readonly options?: unknown
  readonly config: {
    /** Installs transformers on this `Api` (grammY's `api.config.use`). */
    use(...transformers: Transformer[]): unknown
    /** The transformers installed so far, in order, so a copy can carry the same stack. */
    installedTransformers(): Transformer[]
  }
}

/** A grammY transformer with the recovery engine behind it. */
export interface BotApiTransformer extends Transformer {
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof BotApiEvents>(name: K, listener: (event: BotApiEvents[K]) => void): Unsubscribe
  /** The flood store in use. */
  readonly floodStore: FloodStore
  /** Where message slots are booked, when `limits` is on. */
  readonly paceStore: PaceStore | undefined
  /** The engine behind the transformer (pending calls, `close()`). */
  readonly invoker: Invoker
  /**
   * A copy of `api` (grammY's `bot.api` or `ctx.api`) whose calls carry `options`: the same
   * token, client options and transformers, with this transformer in the same place, so every
   * call through it is, say, a bulk message with a longer deadline, or unpaced. grammY passes no
   * options per call and Telegram must not see ours, so they ride on the `Api` object instead:
   * `const bulk = recovery.withOptions(bot.api, { priority: 'bulk', deadlineMs: 600_000 })`, then
   * `await bulk.sendMessage(chatId, text)`. Make it once and keep it; it costs an `Api` object.
   * Throws a `TypeError` when this transformer is not installed on `api`.
   */
  withOptions<A extends TransformableApi>(api: A, options: BotCallOptions): A
}

/** grammY's `prev`: the rest of the transformer stack, down to the HTTP request. */
type Prev = (method: string, payload: unknown, signal?: AbortSignal) => Promise<unknown>

const FROM_STORE = 'not sent: a flood window recorded earlier is still open'

/**
 * A grammY API transformer (`bot.api.config.use(botApiTransformer({ token }))`) that handles the
 * Bot API's errors the way our engine handles MTProto's: a 429 is waited out when `retry_after`
 * fits the call's budget and remembered per (bot, method class, chat), so no request goes into an
 * open window; 5xx answers and network failures are repeated with bounded, jittered backoff inside
 * the deadline; a group upgraded to a supergroup gets the call repeated on the new chat once. Every
 * other answer goes through unchanged (grammY throws its `GrammyError` as usual);
 * `classifyBotApiError(error)` classifies it.
 */
export function botApiTransformer(options: BotApiTransformerOptions = {}): BotApiTransformer {
  checkTransformerOptions(options)
  const events = new Emitter<BotApiEvents>()
  const state: BotPolicyState = {
    bodies: new WeakMap(),
    events,
    followChatMigration: options.followChatMigration ?? true,
    retryServerErrors: options.retryServerErrors ?? true,
    retryNetworkErrors: options.retryNetworkErrors ?? true,
    current: undefined,
  }
  const {
    token: _token,
    account,
    methodClassOf,
    followChatMigration,
    retryServerErrors,
    retryNetworkErrors,
    limits: limitsOption,
    paceStore: paceStoreOption,
    ...budgets
  } = options
  const knownLimits = resolveBotLimits(limitsOption)
  const paceStore =
    knownLimits === undefined ? undefined : (paceStoreOption ?? paceStoreOf(options.floodStore))
  const policies = botApiPolicies(state)
  if (knownLimits !== undefined && paceStore !== undefined) {
    // After the flood gate (a known window holds the call first), before everything that repeats.
    policies.splice(1, 0, botPacePolicy({ limits: knownLimits, store: paceStore, events }))
  }
  const invoke = createInvoker({
    ...budgets,
    send,
    account: account ?? botAccountOf(options.token),
    policies,
    floodKeyOf: botFloodKeyOf(methodClassOf ?? defaultMethodClassOf),
    floodScopeOf: (_error, call) => (chatKeyOf(call.params) === undefined ? 'method' : 'peer'),
    // Bot API errors are classified by their own table; MTProto's catalogue would only be asked
    // about FLOOD_WAIT here.
    catalog: false,
  })
  const clock = invoke.clock

  async function send(attempt: SendRequest): Promise<unknown> {
    const prev = attempt.context as Prev
    // grammY's HttpError (a network failure) propagates and becomes a NetworkError.
    const response = await prev(attempt.method, attempt.params, attempt.signal)
    const body = response as BotApiErrorBody & { ok?: boolean }
    if (body.ok !== false || typeof body.error_code !== 'number') return response
    // A 429 with retry_after is MTProto's FLOOD_WAIT underneath: hand it to the flood policy as one.
    const retryAfter = floodWaitSecondsOf(body.parameters?.retry_after)
    const failure =
      body.error_code === 429 && retryAfter !== undefined
        ? RpcError.from({ code: 420, type: `FLOOD_WAIT_${retryAfter}`, description: body.description })
        : RpcError.from({ error_code: body.error_code, description: String(body.description) })
    state.bodies.set(failure, body)
    return failure
  }

  invoke.on('floodWait', (event) => {
    events.emit('floodWait', {
      method: event.method,
      chatId: chatOf(state.current?.params),
      key: event.key,
      waitMs: event.waitMs,
      retryAt: event.retryAt,
      willWait: event.willWait,
      fromStore: false,
      overloaded: isBotApiOverload(event.method, state.current?.params, event.waitMs),
    })
  })
  invoke.on('floodWindowHit', (event) => {
    events.emit('floodWait', {
      method: event.method,
      chatId: chatOf(state.current?.params),
      key: event.key,
      waitMs: event.remainingMs,
      retryAt: event.retryAt,
      willWait: event.willWait,
      fromStore: true,
      overloaded: false,
    })
  })
  invoke.on('storeError', (event) => events.emit('storeError', event))
  invoke.on('retry', (event) => {
    events.emit('retry', {
      method: event.method,
      chatId: chatOf(state.current?.params),
      attempt: event.attempt,
      delayMs: event.delayMs,
      error: describe(event.error),
    })
  })

  /** What a failure is, for events: the Bot API's answer classified, or what the network threw. */
  function describe(failure: unknown): unknown {
    const body = typeof failure === 'object' && failure !== null ? state.bodies.get(failure) : undefined
    if (body !== undefined) return classifyBotApiError(body)
    return isInstanceOf(failure, NetworkError) ? failure.cause : failure
  }

  /**
   * How a failed call leaves the transformer: as the Bot API's own answer whenever there is one
   * (grammY then throws its `GrammyError`, exactly as without us), a network failure as grammY's
   * `HttpError`, and only the engine's own outcomes as they are.
   */
  function leave(error: unknown, method: string, payload: unknown): unknown {
    // What invoke threw may be the caller's abort reason, any value at all: asked without throwing.
    const last = isInstanceOf(error, DeadlineExceededError) && error.cause !== undefined ? error.cause : error
    let body: BotApiErrorBody | undefined
    if (isRpcError(last)) {
      // A window known before sending is answered as the Bot API would have, had we sent the call.
      const retryAt = detailsOf(last)?.retryAt
      body =
        state.bodies.get(last) ?? (retryAt === undefined ? undefined : tooManyRequests(retryAt - clock.now()))
    }
    const details = detailsOf(error)
    if (details !== undefined && events.has('giveUp')) {
      events.emit('giveUp', {
        method,
        chatId: chatOf(payload),
        reason: details.giveUpReason,
        error: body === undefined ? describe(last) : classifyBotApiError(body),
        attempts: details.attempts,
      })
    }
    if (body !== undefined) return body
    if (isInstanceOf(last, NetworkError)) throw last.cause
    throw error
  }

  /** The transformer, calling the engine with `callOptions` on every call. */
  function transformerWith(callOptions: BotCallOptions | undefined): Transformer {
    return (async (prev: Prev, method: string, payload: unknown, signal?: AbortSignal) => {
      const options: CallOptions = { ...callOptions, context: prev, ...(signal !== undefined && { signal }) }
      try {
        return await invoke(method, payload ?? {}, options)
      } catch (error) {
        return leave(error, method, payload)
      }
    }) as Transformer
  }

  const transformer = transformerWith(undefined)

  function withOptions<A extends TransformableApi>(api: A, callOptions: BotCallOptions): A {
    checkCallOptions(callOptions, 'botApiTransformer.withOptions')
    const installed = api.config.installedTransformers()
    if (!installed.includes(transformer)) {
      throw new TypeError(
        'botApiTransformer.withOptions: this transformer is not installed on the given Api; ' +
          'call api.config.use(transformer) first',
      )
    }
    const scoped = transformerWith({ ...callOptions })
    // The same class as `api` (grammY's Api, or the user's subclass), without importing grammY.
    const Api = api.constructor as new (token: string, options?: unknown) => A
    const copy = new Api(api.token, api.options)
    copy.config.use(...installed.map((each) => (each === transformer ? scoped : each)))
    return copy
  }

  return Object.defineProperties(transformer, {
    on: {
      value: <K extends keyof BotApiEvents>(name: K, listener: (event: BotApiEvents[K]) => void) =>
        events.on(name, listener),
    },
    floodStore: { value: invoke.floodStore },
    paceStore: { value: paceStore },
    invoker: { value: invoke },
    withOptions: { value: withOptions },
  }) as unknown as BotApiTransformer
}

/** The flood store itself when it books slots too (the Redis store does), else a calendar of our own. */
function paceStoreOf(floodStore: FloodStore | undefined): PaceStore {
  const candidate = floodStore as Partial<PaceStore> | undefined
  return typeof candidate?.reserve === 'function' ? (candidate as PaceStore) : createLocalPaceCalendar()
}

function chatOf(params: unknown): unknown {
  return (params as { chat_id?: unknown } | null | undefined)?.chat_id
}

/** The Bot API's 429, for a call held back locally. */
function tooManyRequests(remainingMs: number): BotApiErrorBody {
  // Capped and whole: a window of weeks (or one without end) still makes a well-formed body.
  const seconds = Math.max(1, floodWaitSecondsOf(remainingMs / 1000) ?? 1)
  return {
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${seconds} (${FROM_STORE})`,
    parameters: { retry_after: seconds },
  }
}

/** Checks every option once, under the transformer's name, before anything is built. */
function checkTransformerOptions(options: BotApiTransformerOptions): void {
  const owner = 'botApiTransformer'
  checkInvokerOptions(options as Parameters<typeof checkInvokerOptions>[0], owner, false)
  checkString(owner, 'token', options.token)
  checkBoolean(owner, 'retryServerErrors', options.retryServerErrors)
  checkBoolean(owner, 'retryNetworkErrors', options.retryNetworkErrors)
  checkBoolean(owner, 'followChatMigration', options.followChatMigration)
  checkFunction(owner, 'methodClassOf', options.methodClassOf)
}
