import { Inflate, inflateSync } from 'fflate'
import { type BytesInput, toBytes } from './bytes-input.js'
import { DecodeError } from './decode-error.js'

/**
 * Deflate cannot expand its input by more than about 1032 times (a 258-byte match coded in under
 * 2 bits), so an input this many times smaller than the limit cannot exceed it, lies or not. The
 * same ratio bounds the work of an inflate that failed before saying how far it got.
 */
export const MAX_DEFLATE_RATIO = 1032
/** Compressed bytes handed to the streaming inflater at a time: at most ~4 MiB of output each. */
const STREAM_CHUNK_BYTES = 4096

/** 10-byte header and 8-byte trailer (CRC-32, size). */
const GZIP_HEADER_BYTES = 10
const GZIP_TRAILER_BYTES = 8

const FLAG_HCRC = 0x02
const FLAG_EXTRA = 0x04
const FLAG_NAME = 0x08
const FLAG_COMMENT = 0x10
const FLAGS_RESERVED = 0xe0

/**
 * What one inflate cost, filled in whether it succeeds or throws: the bytes it produced, or, where
 * the inflater threw before saying, the most it can have produced. The decoders charge this to the
 * budget of the whole call, so failed inflates are paid for like successful ones.
 */
export interface InflateMeter {
  spentBytes: number
}

/**
 * The built-in inflater: gzip (RFC 1952) to bytes, synchronously, with fflate. Bounded: the size
 * in the trailer is checked against `maxBytes` before any work; small inputs inflate in one call
 * into a buffer of exactly that size (plus one byte that catches a trailer that lies); inputs
 * large enough to exceed the limit are inflated in chunks and abandoned as soon as the output
 * passes it, so a gzip bomb costs neither memory nor much time. Offsets in its errors are
 * relative to `gzip`. The CRC-32 is not checked: MTProto's message key already authenticates
 * the whole decrypted message.
 */
export function inflateGzip(gzip: BytesInput, maxBytes: number): Uint8Array {
  return inflateGzipMetered(toBytes(gzip, 'inflateGzip'), maxBytes, { spentBytes: 0 })
}

/** {@link inflateGzip}, also reporting its cost in `meter` (set before it returns or throws). */
export function inflateGzipMetered(gzip: Uint8Array, maxBytes: number, meter: InflateMeter): Uint8Array {
  meter.spentBytes = 0
  const bodyStart = gzipBodyStart(gzip)
  const trailer = gzip.length - GZIP_TRAILER_BYTES
  const declared =
    (gzip[trailer + 4]! |
      (gzip[trailer + 5]! << 8) |
      (gzip[trailer + 6]! << 16) |
      (gzip[trailer + 7]! << 24)) >>>
    0
  if (declared > maxBytes) {
    throw new DecodeError(
      'too-large-after-inflate',
      trailer + 4,
      `declares ${declared} bytes, limit ${maxBytes}`,
    )
  }
  const body = gzip.subarray(bodyStart, trailer)
  const oneShot = body.length * MAX_DEFLATE_RATIO <= maxBytes
  // Charged up front as the worst case, lowered to the exact count once the inflater returns.
  // fflate keeps decoding into a full fixed buffer (dropping the bytes), so an input that lies
  // costs up to this bound however early it overflows.
  if (oneShot) meter.spentBytes = body.length * MAX_DEFLATE_RATIO
  let inflated: Uint8Array
  try {
    inflated = oneShot
      ? inflateSync(body, { out: new Uint8Array(declared + 1) })
      : inflateInChunks(body, maxBytes, bodyStart, meter)
  } catch (error) {
    if (error instanceof DecodeError) throw error
    throw new DecodeError('inflate-failed', bodyStart, describeFailure(error), { cause: error })
  }
  // Output that fits its buffer was produced in full and no more; an overflow keeps the bound.
  if (!oneShot || inflated.length <= declared) meter.spentBytes = inflated.length
  if (inflated.length > maxBytes) {
    throw new DecodeError(
      'too-large-after-inflate',
      bodyStart,
      `inflates past the limit of ${maxBytes} bytes`,
    )
  }
  if (inflated.length !== declared) {
    const actual = inflated.length > declared ? `more than ${declared}` : String(inflated.length)
    throw new DecodeError(
      'inflate-failed',
      trailer + 4,
      `inflates to ${actual} bytes, the trailer says ${declared}`,
    )
  }
  return inflated
}

function inflateInChunks(
  body: Uint8Array,
  maxBytes: number,
  bodyStart: number,
  meter: InflateMeter,
): Uint8Array {
  const parts: Uint8Array[] = []
  let total = 0
  const inflater = new Inflate((part) => {
    total += part.length
    meter.spentBytes = total
    if (total > maxBytes) {
      throw new DecodeError(
        'too-large-after-inflate',
        bodyStart,
        `inflates past the limit of ${maxBytes} bytes`,
      )
    }
    parts.push(part)
  })
  for (let at = 0; at < body.length; at += STREAM_CHUNK_BYTES) {
    const next = Math.min(at + STREAM_CHUNK_BYTES, body.length)
    // A chunk that throws never reports its output: count the most it can have made.
    meter.spentBytes = total + (next - at) * MAX_DEFLATE_RATIO
    inflater.push(body.subarray(at, next), next === body.length)
    meter.spentBytes = total
  }
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Validates the gzip header and returns where the deflate data starts. */
function gzipBodyStart(gzip: Uint8Array): number {
  const limit = gzip.length - GZIP_TRAILER_BYTES
  if (limit < GZIP_HEADER_BYTES) {
    throw new DecodeError(
      'truncated',
      0,
      `gzip data of ${gzip.length} bytes is shorter than its header and trailer`,
    )
  }
  if (gzip[0] !== 0x1f || gzip[1] !== 0x8b)
    throw new DecodeError('inflate-failed', 0, 'not gzip data (bad magic)')
  if (gzip[2] !== 8) throw new DecodeError('inflate-failed', 2, `unknown gzip compression method ${gzip[2]}`)
  const flags = gzip[3]!
  if (flags & FLAGS_RESERVED) throw new DecodeError('inflate-failed', 3, 'reserved gzip flags are set')
  let at = GZIP_HEADER_BYTES
  if (flags & FLAG_EXTRA) {
    if (at + 2 > limit) throw new DecodeError('truncated', at, 'gzip extra field length')
    at += 2 + (gzip[at]! | (gzip[at + 1]! << 8))
  }
  if (flags & FLAG_NAME) at = skipZeroTerminated(gzip, at, limit, 'gzip file name')
  if (flags & FLAG_COMMENT) at = skipZeroTerminated(gzip, at, limit, 'gzip comment')
  if (flags & FLAG_HCRC) at += 2
  if (at > limit) throw new DecodeError('truncated', GZIP_HEADER_BYTES, 'gzip header runs into the trailer')
  return at
}

function skipZeroTerminated(gzip: Uint8Array, from: number, limit: number, what: string): number {
  for (let at = from; at < limit; at++) if (gzip[at] === 0) return at + 1
  throw new DecodeError('truncated', from, `${what} has no terminating zero`)
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return `gzip data does not inflate (${message})`
}
