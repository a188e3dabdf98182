/**
 * Checks of option values, made once where a user hands them over (a factory, a call). A value
 * read from an environment variable (`'5000'`), `NaN`, a negative delay or a typo'd enum would
 * otherwise surface later as something misleading: a call that ends at once, a retry loop, a
 * timer that fires after 1 ms. Each check throws a `TypeError` (wrong kind of value) or a
 * `RangeError` (right kind, out of bounds) naming the factory, the option and the value.
 * `undefined` always passes: it means "use the default". Runtime-free.
 */

/** How a number option is bounded. */
export interface NumberRule {
  /** Smallest allowed value (inclusive). Default: no bound. */
  readonly min?: number
  /** Largest allowed value (inclusive). `Infinity` is allowed only when this is `Infinity`. Default `Infinity`. */
  readonly max?: number
  /** Whether the value must be a whole number (`Infinity` counts as one where `max` allows it). */
  readonly integer?: boolean
  /** Whether `undefined` is refused too (an item of a list, rather than an option with a default). */
  readonly required?: boolean
}

/** The longest rendering of a bad value in a message, so a 1 MB string does not become a 1 MB error. */
const MAX_RENDERED_CHARS = 60

/** A short, safe rendering of any value for an error message: never throws, never long. */
export function renderValue(value: unknown): string {
  let text: string
  try {
    if (typeof value === 'string') text = JSON.stringify(value)
    else if (typeof value === 'bigint') text = `${value}n`
    else if (typeof value === 'symbol') text = value.toString()
    else if (typeof value === 'function') text = 'a function'
    else if (value === null || typeof value !== 'object') text = String(value)
    else if (Array.isArray(value)) text = `an array of ${value.length}`
    else text = 'an object'
  } catch {
    // A Proxy or an object whose getters throw: say what it is, not what it holds.
    text = `a ${typeof value}`
  }
  return clipText(text)
}

/** `text`, cut to at most 60 characters (the last one an ellipsis) when longer. */
export function clipText(text: string): string {
  return text.length > MAX_RENDERED_CHARS ? `${text.slice(0, MAX_RENDERED_CHARS - 1)}…` : text
}

function describeRule(rule: NumberRule): string {
  const max = rule.max ?? Number.POSITIVE_INFINITY
  const kind = rule.integer ? 'a whole number' : 'a number'
  const parts: string[] = []
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`)
  if (max !== Number.POSITIVE_INFINITY) parts.push(`<= ${max}`)
  const bounds = parts.length > 0 ? ` ${parts.join(' and ')}` : ''
  return max === Number.POSITIVE_INFINITY ? `${kind}${bounds} (or Infinity)` : `${kind}${bounds}`
}

/** Throws unless `value` is `undefined` or a number within `rule`. */
export function checkNumber(owner: string, name: string, value: unknown, rule: NumberRule = {}): void {
  if (value === undefined && !rule.required) return
  if (typeof value !== 'number') {
    throw new TypeError(`${owner}: ${name} must be ${describeRule(rule)}, got ${renderValue(value)}`)
  }
  const max = rule.max ?? Number.POSITIVE_INFINITY
  const min = rule.min ?? Number.NEGATIVE_INFINITY
  const whole = !rule.integer || Number.isInteger(value) || value === Number.POSITIVE_INFINITY
  if (Number.isNaN(value) || value < min || value > max || !whole) {
    throw new RangeError(`${owner}: ${name} must be ${describeRule(rule)}, got ${renderValue(value)}`)
  }
}

/** Throws unless `value` is `undefined` or a boolean. */
export function checkBoolean(owner: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`${owner}: ${name} must be true or false, got ${renderValue(value)}`)
  }
}

/** Throws unless `value` is `undefined` or one of `allowed`. */
export function checkOneOf(owner: string, name: string, value: unknown, allowed: readonly unknown[]): void {
  if (value === undefined || allowed.includes(value)) return
  const list = allowed.map(renderValue).join(', ')
  const error = typeof value === typeof allowed[0] ? RangeError : TypeError
  throw new error(`${owner}: ${name} must be one of ${list}, got ${renderValue(value)}`)
}

/** Throws unless `value` is `undefined` or a string (non-empty when `nonEmpty`). */
export function checkString(owner: string, name: string, value: unknown, nonEmpty = false): void {
  if (value === undefined) return
  if (typeof value !== 'string')
    throw new TypeError(`${owner}: ${name} must be a string, got ${renderValue(value)}`)
  if (nonEmpty && value.length === 0) throw new RangeError(`${owner}: ${name} must not be empty`)
}

/** Throws unless `value` is `undefined` or a function. */
export function checkFunction(owner: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${owner}: ${name} must be a function, got ${renderValue(value)}`)
  }
}

/** Throws unless `value` is `undefined` or an object (not `null`) whose `methods` are functions. */
export function checkObject(
  owner: string,
  name: string,
  value: unknown,
  methods: readonly string[] = [],
): void {
  if (value === undefined) return
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    throw new TypeError(`${owner}: ${name} must be an object, got ${renderValue(value)}`)
  }
  for (const method of methods) {
    if (typeof (value as Record<string, unknown>)[method] !== 'function') {
      throw new TypeError(`${owner}: ${name} must have a ${method}() method`)
    }
  }
}

/** Throws unless `value` is `undefined` or an array whose every item passes `checkItem`. */
export function checkArray(
  owner: string,
  name: string,
  value: unknown,
  checkItem: (owner: string, name: string, item: unknown) => void,
): void {
  if (value === undefined) return
  if (!Array.isArray(value))
    throw new TypeError(`${owner}: ${name} must be an array, got ${renderValue(value)}`)
  value.forEach((item, i) => {
    checkItem(owner, `${name}[${i}]`, item)
  })
}

/** Throws unless `value` is an object (the options bag itself); `undefined` passes when `optional`. */
export function checkOptionsBag(owner: string, value: unknown, optional: boolean): void {
  if (value === undefined && optional) return
  if (value === null || typeof value !== 'object') {
    throw new TypeError(`${owner}: options must be an object, got ${renderValue(value)}`)
  }
}
