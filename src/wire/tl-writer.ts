const utf8 = new TextEncoder()

const INT32_MIN = -0x80000000
const UINT32_MAX = 0xffffffff
const LONG_MIN = -(1n << 63n)
const ULONG_MAX = (1n << 64n) - 1n
/** The longest value the 3-byte length form can hold. */
const MAX_BYTES_LENGTH = 0xffffff

/**
 * Writes TL values into a growing buffer. Arguments out of range (an `int` above 2^31, a `bytes`
 * of 16 MiB) are programming errors and throw `RangeError`: an encoder must never emit bytes that
 * decode to something other than what it was given.
 */
export class TlWriter {
  private buffer: Uint8Array
  private length = 0

  /** A writer whose buffer starts at `initialCapacity` bytes and doubles as needed. */
  constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity))
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length
  }

  /** A signed 32-bit `int`; unsigned values up to 2^32 - 1 are written as their two's complement. */
  int(value: number): this {
    if (!Number.isInteger(value) || value < INT32_MIN || value > UINT32_MAX) {
      throw new RangeError(`TL int out of range: ${value}`)
    }
    const at = this.reserve(4)
    const b = this.buffer
    b[at] = value
    b[at + 1] = value >>> 8
    b[at + 2] = value >>> 16
    b[at + 3] = value >>> 24
    return this
  }

  /** A constructor id, as in the schema (`0xf35c6d01`). */
  constructorId(id: number): this {
    return this.int(id)
  }

  /** A 64-bit `long`; values from -2^63 to 2^64 - 1 are accepted, the upper half as two's complement. */
  long(value: bigint): this {
    if (value < LONG_MIN || value > ULONG_MAX) throw new RangeError(`TL long out of range: ${value}`)
    const bits = BigInt.asUintN(64, value)
    const low = Number(bits & 0xffffffffn)
    const high = Number(bits >> 32n)
    const at = this.reserve(8)
    const b = this.buffer
    b[at] = low
    b[at + 1] = low >>> 8
    b[at + 2] = low >>> 16
    b[at + 3] = low >>> 24
    b[at + 4] = high
    b[at + 5] = high >>> 8
    b[at + 6] = high >>> 16
    b[at + 7] = high >>> 24
    return this
  }

  /** Bytes as they are, with no length and no padding (a serialized object, for instance). */
  raw(value: Uint8Array): this {
    const at = this.reserve(value.length)
    this.buffer.set(value, at)
    return this
  }

  /** A TL `bytes` value: the shortest length form, the data, zero padding to a multiple of 4. */
  bytes(value: Uint8Array): this {
    const length = value.length
    if (length > MAX_BYTES_LENGTH) throw new RangeError(`TL bytes too long: ${length} bytes`)
    const header = length < 254 ? 1 : 4
    const total = (header + length + 3) & ~3
    const at = this.reserve(total)
    const b = this.buffer
    if (header === 1) {
      b[at] = length
    } else {
      b[at] = 254
      b[at + 1] = length
      b[at + 2] = length >>> 8
      b[at + 3] = length >>> 16
    }
    b.set(value, at + header)
    // reserve() hands out zeroed space only once; padding may land on reused bytes after reset().
    b.fill(0, at + header + length, at + total)
    return this
  }

  /** A TL `string`: UTF-8 `bytes`. Lone surrogates become U+FFFD, as `TextEncoder` does. */
  string(value: string): this {
    return this.bytes(utf8.encode(value))
  }

  /** A copy of what was written, sized exactly. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }

  /** Forgets what was written, keeping the buffer for reuse. */
  reset(): this {
    this.length = 0
    return this
  }

  /** Makes room for `count` bytes and returns where they go. */
  private reserve(count: number): number {
    const at = this.length
    const needed = at + count
    if (needed > this.buffer.length) {
      let capacity = this.buffer.length * 2
      while (capacity < needed) capacity *= 2
      const grown = new Uint8Array(capacity)
      grown.set(this.buffer.subarray(0, at))
      this.buffer = grown
    }
    this.length = needed
    return at
  }
}
