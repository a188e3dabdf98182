/**
 * A stable, bounded text for a call's parameters, so that "the same call" maps to the same flood
 * key in every process: keys in sorted order, `bigint` and byte arrays written out, and the cost
 * bounded whatever the user passes (deep objects, cycles, megabytes of file bytes).
 */

/** Results no longer than this stay readable in keys; longer ones become a hash. */
const READABLE_LENGTH = 64
/** Serialisation stops here; two values differing only later share a key (a wait too many, never too few). */
const MAX_CHARS = 4096
/** Nesting deeper than TL objects ever go is cut; this also ends cycles. */
const MAX_DEPTH = 8
/** Byte arrays and long strings are hashed over at most this many units. */
const MAX_HASHED = 65_536

/**
 * Fields that differ on every call by design (message nonces). Including them would give every
 * call its own key, so a window recorded for one call would never hold back the next.
 */
const NONCE_KEYS: ReadonlySet<string> = new Set(['random_id', 'randomId'])

/**
 * Returns a stable fingerprint of `value`: the serialisation itself when short, otherwise `#` and a
 * 64-bit hash in hex. Equal inputs give equal fingerprints regardless of key order.
 */
export function paramsFingerprint(value: unknown): string {
  return fingerprintOf(serialize(value))
}

/** The fingerprint of an already serialised value. */
function fingerprintOf(text: string): string {
  return text.length <= READABLE_LENGTH ? text : `#${hashText(text)}`
}

/**
 * A plain integer (a chat or user id) as it is, anything else as its digest: ids help when reading
 * a store, while peer objects carry access hashes.
 */
export function idOrDigest(value: unknown): string {
  const text = serialize(value)
  return /^-?\d+n?$/.test(text) ? text : `#${hashText(text)}`
}

/**
 * Like {@link paramsFingerprint}, but always the hash: for keys that leave the process or reach
 * logs (a shared store, events), where parameters such as login codes must not be readable.
 */
export function paramsDigest(value: unknown): string {
  return `#${hashText(serialize(value))}`
}

function serialize(value: unknown): string {
  const state = { out: '' }
  write(state, value, 0)
  return state.out.length > MAX_CHARS ? state.out.slice(0, MAX_CHARS) : state.out
}

interface State {
  out: string
}

function write(state: State, value: unknown, depth: number): void {
  if (state.out.length > MAX_CHARS) return
  switch (typeof value) {
    case 'string':
      // Length-prefixed rather than quoted: unambiguous without escaping, and several times cheaper.
      state.out += value.length <= 256 ? `'${value.length}:${value}` : `'${value.length}#${hashText(value)}`
      return
    case 'number':
      state.out += Object.is(value, -0) ? '0' : String(value)
      return
    case 'bigint':
      state.out += `${value}n`
      return
    case 'boolean':
      state.out += value ? 'true' : 'false'
      return
    case 'undefined':
      state.out += 'undefined'
      return
    case 'object':
      if (value === null) state.out += 'null'
      else writeObject(state, value, depth)
      return
    default:
      // Functions and symbols say nothing about which call this is.
      state.out += '?'
  }
}

function writeObject(state: State, value: object, depth: number): void {
  if (depth >= MAX_DEPTH) {
    state.out += '…'
    return
  }
  // Plain objects (mtcute's TL objects, hand-written params) are the common case: skip the checks.
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) writeSpecial(state, value, depth)
  else writeRecord(state, value as Record<string, unknown>, depth)
}

function writeSpecial(state: State, value: object, depth: number): void {
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    state.out += `b${bytes.length}:${hashBytes(bytes)}`
    return
  }
  if (value instanceof ArrayBuffer) {
    state.out += `b${value.byteLength}:${hashBytes(new Uint8Array(value))}`
    return
  }
  if (value instanceof Date) {
    state.out += `d${value.getTime()}`
    return
  }
  if (Array.isArray(value)) {
    state.out += '['
    for (let i = 0; i < value.length && state.out.length <= MAX_CHARS; i++) {
      if (i > 0) state.out += ','
      write(state, value[i], depth + 1)
    }
    state.out += ']'
    return
  }
  if (value instanceof Map) {
    state.out += 'm'
    write(state, [...value.entries()], depth)
    return
  }
  if (value instanceof Set) {
    state.out += 's'
    write(state, [...value.values()], depth)
    return
  }
  writeRecord(state, value as Record<string, unknown>, depth)
}

function writeRecord(state: State, record: Record<string, unknown>, depth: number): void {
  const keys = Object.keys(record)
  sortKeys(keys)
  state.out += '{'
  let first = true
  for (const key of keys) {
    if (state.out.length > MAX_CHARS) break
    const field = record[key]
    if (field === undefined || typeof field === 'function' || NONCE_KEYS.has(key)) continue
    if (!first) state.out += ','
    first = false
    state.out += `${key}:`
    write(state, field, depth + 1)
  }
  state.out += '}'
}

/**
 * Two 32-bit FNV-style lanes with different seeds and multipliers, each finished with an avalanche
 * step, give 64 bits: plenty to keep distinct calls apart, and no dependency on a crypto API.
 */
function finish(h1: number, h2: number): string {
  return hex(avalanche(h1 ^ Math.imul(h2, 0x27d4eb2d))) + hex(avalanche(h2 ^ Math.imul(h1, 0x165667b1)))
}

function avalanche(h: number): number {
  let x = h ^ (h >>> 16)
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

const HEX_DIGITS = '0123456789abcdef'

/** Eight hex digits; `toString(16).padStart()` was the largest single cost of a key (measured). */
function hex(n: number): string {
  let out = ''
  for (let shift = 28; shift >= 0; shift -= 4) out += HEX_DIGITS[(n >>> shift) & 15]
  return out
}

/** A 64-bit hash of (at most the first 64K units of) a string, as 16 hex digits. */
export function hashText(text: string): string {
  let h1 = 0x811c9dc5
  let h2 = 0x9747b28c
  const length = Math.min(text.length, MAX_HASHED)
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ unit, 0x01000193)
    h2 = Math.imul(h2 ^ unit, 0x5bd1e995)
  }
  return finish(h1 ^ text.length, h2)
}

function hashBytes(bytes: Uint8Array): string {
  let h1 = 0x811c9dc5
  let h2 = 0x9747b28c
  const length = Math.min(bytes.length, MAX_HASHED)
  for (let i = 0; i < length; i++) {
    const unit = bytes[i] as number
    h1 = Math.imul(h1 ^ unit, 0x01000193)
    h2 = Math.imul(h2 ^ unit, 0x5bd1e995)
  }
  return finish(h1 ^ bytes.length, h2)
}

/** Insertion sort: TL objects have a handful of keys, where `Array.prototype.sort`'s setup dominates. */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort()
    return
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string
    let j = i - 1
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string
      j--
    }
    keys[j + 1] = key
  }
}
