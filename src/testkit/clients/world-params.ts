import { GRAMJS_TL_META } from '../../adapters/gramjs/request-params.js'

/**
 * Turns the parameters of a client library's request into the plain values the simulated world
 * reads: snake_case names (as in the TL schema and the world's method table), and TL objects such
 * as peers, channels and file locations reduced to their id, so a peer is a stable key.
 */

/** GramJS's bookkeeping fields (as the GramJS adapter skips them), and the constructor name both libraries carry. */
const SKIPPED: ReadonlySet<string> = new Set([...GRAMJS_TL_META, '_'])

const DECODER = new TextDecoder()

/** The world's view of a request's parameters. */
export function worldParamsOf(request: object): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || SKIPPED.has(key)) continue
    params[snakeCase(key)] = plain(value)
  }
  return params
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
}

function plain(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value
    case 'bigint':
      return String(value)
    case 'object':
      break
    default:
      return undefined
  }
  if (value === null) return null
  // Export tokens travel as bytes.
  if (value instanceof Uint8Array) return DECODER.decode(value)
  if (Array.isArray(value)) return value.map(plain)
  const bag = value as Record<string, unknown>
  const name =
    typeof bag._ === 'string' ? bag._ : typeof bag.className === 'string' ? bag.className : undefined
  // GramJS's BigInteger and mtcute's Long print as decimal numbers.
  if (name === undefined) return String(value)
  const id = bag.userId ?? bag.chatId ?? bag.channelId ?? bag.id
  return id === undefined ? name : String(id)
}
