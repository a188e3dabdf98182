import { formatConstructorId } from './constructor-ids.js'
import { DecodeError } from './decode-error.js'
import { DEFAULT_DECODE_LIMITS } from './decode-options.js'

/**
 * `fatal: false`: an `error_message` that is not valid UTF-8 still decodes (bad sequences become
 * U+FFFD), since a decoder that throws on server text would lose the error itself. `ignoreBOM`
 * keeps a leading U+FEFF, so the text is what the server sent.
 */
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

/** The first byte of the 4-byte length form of `bytes`; 255 is never valid. */
const LONG_LENGTH_MARK = 254

/**
 * A bounds-checked reader of TL values over a `Uint8Array`, little-endian as the protocol says.
 * Reads beyond `end` throw a {@link DecodeError} (`truncated`) with the offset of the value, so
 * no caller ever sees a `RangeError` or a silent `undefined`. Byte values are views, not copies.
 */
export class TlReader {
  /** Offset of the next byte to read. */
  offset: number
  /** Offset just after the last byte this reader may read. */
  readonly end: number
  /** The underlying bytes. */
  readonly data: Uint8Array
  /** Largest `bytes`/`string` value accepted. */
  readonly maxFieldBytes: number

  /** A reader of `data` from `offset` up to `end`; `maxFieldBytes` bounds `bytes`/`string` values. */
  constructor(
    data: Uint8Array,
    offset = 0,
    end: number = data.length,
    maxFieldBytes: number = DEFAULT_DECODE_LIMITS.maxFieldBytes,
  ) {
    this.data = data
    this.offset = offset
    this.end = end
    this.maxFieldBytes = maxFieldBytes
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.offset
  }

  /** A signed 32-bit `int`. */
  int(): number {
    const at = this.need(4, 'int')
    const d = this.data
    this.offset = at + 4
    return d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)
  }

  /** An unsigned 32-bit value, the form constructor ids are compared in. */
  uint(): number {
    return this.int() >>> 0
  }

  /** The next unsigned 32-bit value, without moving. */
  peekUint(): number {
    const at = this.need(4, 'constructor id')
    const d = this.data
    return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0
  }

  /**
   * A signed 64-bit `long` as a bigint. Two 32-bit halves and one shift measured faster than a
   * `DataView` once creating the view is counted.
   */
  long(): bigint {
    const at = this.need(8, 'long')
    const d = this.data
    this.offset = at + 8
    const low = (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0
    const high = d[at + 4]! | (d[at + 5]! << 8) | (d[at + 6]! << 16) | (d[at + 7]! << 24)
    return (BigInt(high) << 32n) | BigInt(low)
  }

  /** `length` raw bytes, as a view. */
  raw(length: number, what = 'raw bytes'): Uint8Array {
    const at = this.need(length, what)
    this.offset = at + length
    return this.data.subarray(at, at + length)
  }

  /**
   * A TL `bytes` value: a 1-byte length (0-253) or 254 and a 3-byte length, the data, then zero
   * padding up to a multiple of 4. Non-zero padding is rejected: the protocol pads with zeros, and
   * anything else means the framing is off.
   */
  bytes(): Uint8Array {
    const start = this.offset
    if (start >= this.end) throw this.truncated(start, 'bytes length')
    const d = this.data
    const first = d[start]!
    let length: number
    let header: number
    if (first < LONG_LENGTH_MARK) {
      length = first
      header = 1
    } else if (first === LONG_LENGTH_MARK) {
      if (start + 4 > this.end) throw this.truncated(start, 'bytes length (254 form)')
      length = d[start + 1]! | (d[start + 2]! << 8) | (d[start + 3]! << 16)
      header = 4
    } else {
      throw new DecodeError('bad-length', start, 'a bytes length never starts with 255')
    }
    if (length > this.maxFieldBytes) {
      throw new DecodeError('oversized', start, `bytes of ${length} bytes, limit ${this.maxFieldBytes}`)
    }
    const dataStart = start + header
    const dataEnd = dataStart + length
    // The value with its length prefix is padded to a multiple of 4, wherever it starts.
    const next = start + ((header + length + 3) & ~3)
    if (next > this.end) throw this.truncated(start, `bytes of ${length} bytes`)
    for (let i = dataEnd; i < next; i++) {
      if (d[i] !== 0) throw new DecodeError('bad-padding', i, `padding byte is ${d[i]}, not 0`)
    }
    this.offset = next
    return d.subarray(dataStart, dataEnd)
  }

  /** A TL `string`: `bytes` decoded as UTF-8 (invalid sequences become U+FFFD). */
  string(): string {
    const value = this.bytes()
    return value.length === 0 ? '' : utf8.decode(value)
  }

  /** The rest of the readable bytes, as a view. */
  rest(): Uint8Array {
    const at = this.offset
    this.offset = this.end
    return this.data.subarray(at, this.end)
  }

  /** Moves past `length` bytes. */
  skip(length: number, what = 'skipped bytes'): void {
    this.offset = this.need(length, what) + length
  }

  /** Reads a constructor id and checks it is `expected`. */
  expectConstructor(expected: number, name: string): void {
    const at = this.offset
    const id = this.uint()
    if (id !== expected) {
      throw new DecodeError(
        'unknown-constructor',
        at,
        `expected ${name}${formatConstructorId(expected)}, found ${formatConstructorId(id)}`,
      )
    }
  }

  /** Checks that nothing is left after an object whose end is known. */
  expectEnd(what: string): void {
    if (this.offset !== this.end) {
      throw new DecodeError('trailing-bytes', this.offset, `${this.end - this.offset} bytes after ${what}`)
    }
  }

  /**
   * Returns the current offset after checking that `length` more bytes are there. A negative or
   * fractional length can only come from a caller's bug, so it is a `RangeError`, not bad bytes.
   */
  private need(length: number, what: string): number {
    if (!(length >= 0) || length !== Math.floor(length)) throw new RangeError(`${what}: bad length ${length}`)
    const at = this.offset
    if (at + length > this.end) throw this.truncated(at, what)
    return at
  }

  private truncated(at: number, what: string): DecodeError {
    return new DecodeError('truncated', at, `${what} needs more bytes than the ${this.end - at} left`)
  }
}
