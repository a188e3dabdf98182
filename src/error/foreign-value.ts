/**
 * Renders values we do not own (what a `send` threw, what a peer library passed) for messages,
 * without ever throwing: a Proxy's traps, a throwing getter or `toString`, a revoked Proxy, a
 * `null` prototype, a symbol or a BigInt must never turn a report about a failure into a second
 * failure. Nothing here calls user code except through `readSafely`, which catches.
 */

/** How many characters of a thrown value's text a message shows. */
export const MAX_RENDERED_LENGTH = 200

/** `read()`, or `undefined` when it throws (a Proxy trap, a getter, a revoked Proxy). */
export function readSafely<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}

/**
 * `value instanceof Class`, or `false` when asking throws: `instanceof` walks the prototype chain,
 * which runs a Proxy's `getPrototypeOf` trap (and always throws on a revoked Proxy).
 */
export function isInstanceOf<T>(value: unknown, Class: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof Class
  } catch {
    return false
  }
}

/** Property `key` of `value`, or `undefined` when reading it throws or `value` has no properties. */
export function readProperty(value: unknown, key: PropertyKey): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined
  return readSafely(() => (value as Record<PropertyKey, unknown>)[key])
}

function bound(text: string): string {
  return text.length > MAX_RENDERED_LENGTH ? `${text.slice(0, MAX_RENDERED_LENGTH)}…` : text
}

/**
 * A short, bounded description of any value, naming its type: `null`, `undefined`,
 * `a string "timeout"`, `the number 42`, `a bigint 7n`, `a symbol Symbol(x)`, `a function send`,
 * `TypeError: socket closed`, `an object of class Foo`, `an object { code, text }`. Never throws.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined'
    case 'string':
      return `a string ${JSON.stringify(bound(value))}`
    case 'number':
    case 'boolean':
      return `the ${typeof value} ${String(value)}`
    case 'bigint':
      return `a bigint ${bound(value.toString())}n`
    case 'symbol':
      return `a symbol ${bound(value.toString())}`
    case 'function': {
      const name = readProperty(value, 'name')
      return typeof name === 'string' && name.length > 0 ? `a function ${bound(name)}` : 'a function'
    }
  }
  if (value === null) return 'null'
  return describeObject(value as object)
}

/** Keys of a plain object a description lists before it says how many more there are. */
const MAX_LISTED_KEYS = 5

function describeObject(value: object): string {
  const message = readProperty(value, 'message')
  const name = readProperty(value, 'name')
  const className = readProperty(readProperty(value, 'constructor'), 'name')
  if (typeof message === 'string') {
    const label = typeof name === 'string' && name.length > 0 ? bound(name) : 'an error'
    return message.length > 0 ? `${label}: ${bound(message)}` : label
  }
  if (typeof className === 'string' && className.length > 0 && className !== 'Object') {
    return `an object of class ${bound(className)}`
  }
  const keys = readSafely(() => Object.keys(value))
  if (keys === undefined || keys.length === 0) return 'an object'
  const listed = keys.slice(0, MAX_LISTED_KEYS).map(bound).join(', ')
  const more = keys.length > MAX_LISTED_KEYS ? `, … ${keys.length - MAX_LISTED_KEYS} more` : ''
  return `an object { ${listed}${more} }`
}

/**
 * What a failure message says about a thrown value: an `Error`'s own message (or its name), and
 * for anything else that it was not an `Error` and what it was (`a non-Error was thrown: null`),
 * so a log never reads `[object Null]`. Bounded; never throws.
 */
export function describeThrown(value: unknown): string {
  if (isInstanceOf(value, Error)) {
    const message = readProperty(value, 'message')
    if (typeof message === 'string' && message.length > 0) return bound(message)
    const name = readProperty(value, 'name')
    return typeof name === 'string' && name.length > 0 ? bound(name) : 'Error'
  }
  return `a non-Error was thrown: ${describeValue(value)}`
}
