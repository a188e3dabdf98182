import { isRpcError } from '../../error/rpc-error.js'
import { NetworkError } from '../../recovery/errors.js'
import type { Emitter } from '../../recovery/events.js'
import { floodGatePolicy } from '../../recovery/flood-gate-policy.js'
import { floodPolicy } from '../../recovery/flood-policy.js'
import { type CallContext, PASS, type Policy, RETRY, STOP } from '../../recovery/policy.js'
import { retryPolicy } from '../../recovery/retry-policy.js'
import type { BotApiErrorBody } from './bot-api-errors.js'
import type { BotApiEvents } from './events.js'

/** What the Bot API policies of one transformer share. */
export interface BotPolicyState {
  /** The Bot API answer behind each failure the transport made of it. */
  readonly bodies: WeakMap<object, BotApiErrorBody>
  readonly events: Emitter<BotApiEvents>
  readonly followChatMigration: boolean
  readonly retryServerErrors: boolean
  readonly retryNetworkErrors: boolean
  /**
   * The call whose policy is running. The engine's events name the method but not the chat, and
   * the flood and retry policies emit them synchronously inside `onFailure` / `beforeSend`, so the
   * listener that turns them into Bot API events can read the chat from here.
   */
  current: CallContext | undefined
}

function during<T>(state: BotPolicyState, call: CallContext, run: () => T): T {
  const outer = state.current
  state.current = call
  try {
    return run()
  } finally {
    state.current = outer
  }
}

/**
 * The chain of the Bot API transformer: the engine's flood gate and flood policy (a 429 is turned
 * into a flood wait by the transport), chat migration, and the engine's retry policy restricted to
 * 5xx answers and network failures. Nothing else is repeated: a 400 or 403 goes straight back.
 */
export function botApiPolicies(state: BotPolicyState): Policy[] {
  const gate: Policy = {
    name: floodGatePolicy.name,
    beforeSend: (call) => during(state, call, () => floodGatePolicy.beforeSend?.(call)),
  }

  const migration: Policy = {
    name: 'chatMigration',
    onFailure(call, failure) {
      const toChatId = state.bodies.get(failure)?.parameters?.migrate_to_chat_id
      if (toChatId === undefined) return PASS
      const params = (call.params ?? {}) as Record<string, unknown>
      const fromChatId = params.chat_id
      // Once per call: a second upgrade of the same chat would be the server's bug, not ours to chase.
      if (!state.followChatMigration || fromChatId === undefined || call.count('chatMigration') > 1) {
        call.annotate(failure, { giveUpReason: state.followChatMigration ? 'not-retryable' : 'opted-out' })
        return STOP
      }
      call.params = { ...params, chat_id: toChatId }
      state.events.emit('chatMigrate', { method: call.method, fromChatId, toChatId })
      return RETRY
    },
  }

  const flood: Policy = {
    name: floodPolicy.name,
    onFailure: (call, failure) => during(state, call, () => floodPolicy.onFailure?.(call, failure)),
  }

  const retry: Policy = {
    name: retryPolicy.name,
    onFailure(call, failure) {
      const fromServer = isRpcError(failure)
      // 409 Conflict and the like are "unknown codes" to MTProto, but final answers in HTTP. A 429
      // without retry_after (never seen, but possible) is repeated like a 5xx.
      if (fromServer && failure.code < 500 && failure.code !== 429) return PASS
      if (!fromServer && !(failure instanceof NetworkError)) return PASS
      if (fromServer ? !state.retryServerErrors : !state.retryNetworkErrors) {
        call.annotate(failure, { giveUpReason: 'opted-out' })
        return STOP
      }
      return during(state, call, () => retryPolicy.onFailure?.(call, failure))
    },
  }

  return [gate, migration, flood, retry]
}
