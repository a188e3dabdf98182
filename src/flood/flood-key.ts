import type { FloodScope } from '../catalog/types.js'
import { idOrDigest, paramsDigest } from './params-fingerprint.js'

/**
 * What a flood window is counted against: the catalogue's scopes, plus `params` (this exact call),
 * used when the catalogue does not know the error's scope.
 */
export type FloodKeyScope = FloodScope | 'params'

/** The parts a flood key is built from. */
export interface FloodKeyParts {
  /** The account label (`createInvoker({ account })`), so accounts sharing a store stay apart. */
  readonly account: string
  /** The API method of the call. */
  readonly method: string
  /** What the window is counted against. */
  readonly scope: FloodKeyScope
  /** The scope's value (a peer's or a phone's fingerprint); ignored for `account` and `method`. */
  readonly value?: string | undefined
}

/** The call as seen by key functions. */
export interface FloodKeyCall {
  /** The account label of the invoker. */
  readonly account: string
  /** The API method of the call. */
  readonly method: string
  /** The call's parameters. */
  readonly params: unknown
}

/**
 * Parameter names that name the peer a limit is counted against, in the order tried. `to_peer`
 * comes before the others because forwarding is limited where messages go, not where they come from.
 */
export const PEER_PARAM_NAMES: readonly string[] = [
  'peer',
  'to_peer',
  'toPeer',
  'channel',
  'chat_id',
  'chatId',
  'user_id',
  'userId',
  'user',
  'bot',
]

/** Parameter names that hold a phone number. */
export const PHONE_PARAM_NAMES: readonly string[] = ['phone_number', 'phoneNumber', 'phone']

/**
 * Builds a flood key: `account|*`, `account|method`, or `account|method|scope=value`. Readable on
 * purpose (these become Redis keys that people inspect); the account is escaped when it contains
 * the separator so two accounts can never share a key.
 */
export function floodKey(parts: FloodKeyParts): string {
  const account = escapeAccount(parts.account)
  switch (parts.scope) {
    case 'account':
      return `${account}|*`
    case 'method':
      return `${account}|${parts.method}`
    default:
      return `${account}|${parts.method}|${parts.scope}=${parts.value ?? ''}`
  }
}

/**
 * The default key of a call for a scope. A `peer` or `phone` scope on a call that has no such
 * parameter falls back to the method: holding back every call of the method is the safe reading.
 *
 * Values are digests (a plain numeric peer id excepted): keys go to shared stores and into
 * `floodWait` events, hence logs, and parameters hold phone numbers, login codes and access hashes.
 */
export function defaultFloodKeyOf(call: FloodKeyCall, scope: FloodKeyScope): string {
  const { account, method, params } = call
  switch (scope) {
    case 'account':
    case 'method':
      return floodKey({ account, method, scope })
    case 'peer': {
      const peer = pickParam(params, PEER_PARAM_NAMES)
      return peer === undefined
        ? floodKey({ account, method, scope: 'method' })
        : floodKey({ account, method, scope, value: idOrDigest(peer) })
    }
    case 'phone': {
      const phone = pickParam(params, PHONE_PARAM_NAMES)
      return phone === undefined
        ? floodKey({ account, method, scope: 'method' })
        : floodKey({ account, method, scope, value: paramsDigest(normalizePhone(phone)) })
    }
    case 'params':
      return floodKey({ account, method, scope, value: paramsDigest(params) })
  }
}

/** What every flood key of `account` starts with (`alice|`), to pick its windows out of a shared store. */
export function accountKeyPrefix(account: string): string {
  return `${escapeAccount(account)}|`
}

/**
 * The group of a key built by `floodKey`: its account and method (`acc|messages.sendMessage`),
 * or `acc|*` for an account-wide key. Every scope of one method shares the group, so a store that
 * counts groups tells in one lookup that no window can hold a call, without hashing its parameters.
 */
export function floodKeyGroup(key: string): string {
  const first = key.indexOf('|')
  if (first < 0) return key
  const second = key.indexOf('|', first + 1)
  return second < 0 ? key : key.slice(0, second)
}

// One account per invoker is the norm: remember the last escape instead of testing every time.
let lastAccount = ''
let lastEscaped = ''

function escapeAccount(account: string): string {
  if (account !== lastAccount) {
    lastEscaped = /[|%]/.test(account) ? encodeURIComponent(account) : account
    lastAccount = account
  }
  return lastEscaped
}

function pickParam(params: unknown, names: readonly string[]): unknown {
  if (typeof params !== 'object' || params === null) return undefined
  const bag = params as Record<string, unknown>
  for (const name of names) {
    const value = bag[name]
    if (value !== undefined && value !== null) return value
  }
  return undefined
}

/** `+1 (555) 010-2030` and `15550102030` are one phone. */
function normalizePhone(phone: unknown): unknown {
  return typeof phone === 'string' ? phone.replace(/\D/g, '') : phone
}
