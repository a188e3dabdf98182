/**
 * The change messages published on a store's channel, and the names a store uses in Redis. Kept
 * apart from the store so the format is written once and tested on its own.
 *
 * - `set <ms> <key>`: the window of `key` now ends `<ms>` after the server ran the script.
 * - `del <key>`: the window was deleted by hand.
 * - `clear`: every window under the prefix was deleted.
 *
 * The key comes last and runs to the end of the message, so keys may hold spaces.
 */

/** A parsed change message. */
export type ChangeMessage =
  | { readonly kind: 'set'; readonly key: string; readonly remainingMs: number }
  | { readonly kind: 'del'; readonly key: string }
  | { readonly kind: 'clear' }

/**
 * The longest flood key taken from Redis. The engine's own keys are far shorter (account, method
 * and a short fingerprint); a longer one is not ours, and would only fill the mirror's memory.
 */
export const MAX_KEY_CHARS = 1024

/**
 * A duration as Redis or a peer wrote it, in ms: a positive whole number written in plain digits
 * (no sign, exponent, fraction, hex or spaces), or as a Redis integer reply. `undefined` for
 * anything else, and for values beyond `Number.MAX_SAFE_INTEGER`, which would lose their digits.
 */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value > 0 ? value : undefined
  }
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,15}$/.test(value)) return undefined
  const ms = Number(value)
  return Number.isSafeInteger(ms) ? ms : undefined
}

/** Whether `key` can be a flood key: non-empty and not longer than {@link MAX_KEY_CHARS}. */
export function isFloodKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_KEY_CHARS
}

/**
 * Parses a change message strictly; `undefined` for anything else (another version, a stray or
 * hostile publisher): a malformed duration or key is never guessed at.
 */
export function parseChange(message: string): ChangeMessage | undefined {
  if (message === 'clear') return { kind: 'clear' }
  if (message.startsWith('del ')) {
    const key = message.slice(4)
    return isFloodKey(key) ? { kind: 'del', key } : undefined
  }
  if (!message.startsWith('set ')) return undefined
  const space = message.indexOf(' ', 4)
  if (space < 0) return undefined
  const remainingMs = parseDurationMs(message.slice(4, space))
  const key = message.slice(space + 1)
  if (remainingMs === undefined || !isFloodKey(key)) return undefined
  return { kind: 'set', key, remainingMs }
}

/** The channel on which a store with `prefix` publishes its changes. */
export function channelOf(prefix: string): string {
  // Channels and keys are separate namespaces in Redis; the suffix only makes it readable.
  return `${prefix}changes`
}

/** A SCAN pattern matching every key under `prefix`, with glob characters in the prefix escaped. */
export function scanPatternOf(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
}
