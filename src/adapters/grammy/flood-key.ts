import type { FloodKeyCall, FloodKeyScope } from '../../flood/flood-key.js'
import { floodKey } from '../../flood/flood-key.js'
import { paramsDigest } from '../../flood/params-fingerprint.js'

/**
 * The limit a Bot API method counts against. Everything that posts into a chat (send*, copy*,
 * forward*) shares Telegram's per-chat message limits; edits have their own. Chat actions are
 * posted too, but a 429 on "typing…" must not hold back the messages themselves.
 */
export function defaultMethodClassOf(method: string): string {
  if (method === 'sendChatAction') return method
  if (/^(send|copy|forward)/.test(method)) return 'send'
  if (/^edit/.test(method)) return 'edit'
  return method
}

/** The chat a call is about, as it goes into a key: ids and `@usernames` as they are, anything else digested. */
export function chatKeyOf(params: unknown): string | undefined {
  const chat = (params as { chat_id?: unknown } | null | undefined)?.chat_id
  if (chat === undefined || chat === null) return undefined
  const text = String(chat)
  return /^(-?\d+|@\w+)$/.test(text) ? text : paramsDigest(chat)
}

/**
 * The account label of a bot in flood keys: its id, the part of the token before the colon. The
 * secret part never enters a key, an event or a store.
 */
export function botAccountOf(token: string | undefined): string {
  const id = token?.split(':')[0]
  return id !== undefined && /^\d+$/.test(id) ? `bot${id}` : 'bot'
}

/**
 * Flood keys per (bot, method class, chat): `bot123|send|peer=-100777`. Calls without a chat fall
 * back to (bot, method class). The same `floodKey` format as the engine's, so one store (memory or
 * Redis) serves both.
 */
export function botFloodKeyOf(
  methodClassOf: (method: string) => string,
): (call: FloodKeyCall, scope: FloodKeyScope) => string {
  return (call, scope) => {
    const method = methodClassOf(call.method)
    if (scope === 'account') return floodKey({ account: call.account, method, scope })
    const chat = scope === 'peer' || scope === 'params' ? chatKeyOf(call.params) : undefined
    return chat === undefined
      ? floodKey({ account: call.account, method, scope: 'method' })
      : floodKey({ account: call.account, method, scope: 'peer', value: chat })
  }
}
