import { accountKeyPrefix, type FloodKeyCall, type FloodKeyScope } from '../flood/flood-key.js'
import type { FloodStore } from '../flood/flood-store.js'
import type { OpenWindow } from './policy.js'

/**
 * Every scope a window may have been recorded under. Before a send we cannot know which error would
 * come back, so the call is checked against each; `peer` and `phone` fall back to the method key
 * for calls without such a parameter.
 */
const SCOPES: readonly FloodKeyScope[] = ['account', 'method', 'peer', 'phone', 'params']

/** What finding a window needs: the store, and how the invoker builds keys. */
export interface FloodWindowSource {
  /** The account label, part of every key. */
  readonly account: string
  /** Where windows are kept. */
  readonly floodStore: FloodStore
  /** Builds the key of a call for a scope. */
  floodKeyOf(call: FloodKeyCall, scope: FloodKeyScope): string
  /** Whether `floodKeyOf` builds keys as `defaultFloodKeyOf` does, so their groups can be trusted. */
  readonly defaultKeys?: boolean
}

/**
 * The open flood window that would hold a call of `method` with `params`, if any: the one that
 * ends last among every scope's key. Used before each send, and by the account pool to tell which
 * account can run a call soonest.
 */
export function findOpenFloodWindow(
  source: FloodWindowSource,
  method: string,
  params: unknown,
  now: number,
): OpenWindow | undefined {
  const store = source.floodStore
  if (store.size === 0) return undefined
  if (source.defaultKeys === true && store.hasGroup !== undefined) {
    // Windows on other methods are the common case while one key is flooded: two lookups tell
    // that none can hold this call, before any parameter is hashed.
    const prefix = accountKeyPrefix(source.account)
    if (!store.hasGroup(`${prefix}${method}`) && !store.hasGroup(`${prefix}*`)) return undefined
  }
  const call = { account: source.account, method, params }
  let open: OpenWindow | undefined
  const seen: string[] = []
  for (const scope of SCOPES) {
    const key = source.floodKeyOf(call, scope)
    // `peer` and `phone` fall back to the method key; a store lookup hashes the whole key, so skip repeats.
    if (seen.includes(key)) continue
    seen.push(key)
    const until = store.get(key, now)
    if (until !== undefined && until > now && (open === undefined || until > open.endsAt)) {
      open = { key, scope, endsAt: until }
    }
  }
  return open
}
