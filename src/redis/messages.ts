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

/** Parses a change message; `undefined` for anything else (another version, a stray publisher). */
export function parseChange(message: string): ChangeMessage | undefined {
  if (message === 'clear') return { kind: 'clear' }
  if (message.startsWith('del ')) return { kind: 'del', key: message.slice(4) }
  if (!message.startsWith('set ')) return undefined
  const space = message.indexOf(' ', 4)
  if (space < 0) return undefined
  const remainingMs = Number(message.slice(4, space))
  if (!Number.isFinite(remainingMs) || remainingMs <= 0) return undefined
  return { kind: 'set', key: message.slice(space + 1), remainingMs }
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
