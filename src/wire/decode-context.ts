import { DecodeError } from './decode-error.js'
import { type DecodeOptions, type ResolvedDecodeOptions, resolveDecodeOptions } from './decode-options.js'
import { inflateGzip } from './inflate-gzip.js'
import { TlReader } from './tl-reader.js'

/**
 * State of one decode call. The inflate budget is shared by every `gzip_packed` in the call, so a
 * container of 1024 gzipped messages cannot inflate 1024 times the limit.
 */
export interface DecodeContext {
  readonly options: ResolvedDecodeOptions
  /** Bytes inflated so far in this call. */
  inflatedBytes: number
  /** Offset of the `gzip_packed` whose inflated data is being read, if any. */
  gzipAt: number | undefined
}

/** A fresh context for one call. */
export function createDecodeContext(options: DecodeOptions | undefined): DecodeContext {
  return { options: resolveDecodeOptions(options), inflatedBytes: 0, gzipAt: undefined }
}

/** A reader over `data` that enforces the call's field limit. */
export function readerFor(data: Uint8Array, context: DecodeContext, start = 0, end = data.length): TlReader {
  return new TlReader(data, start, end, context.options.maxFieldBytes)
}

/**
 * Reads the `packed_data` of a `gzip_packed` whose constructor id, at `packedAt`, was just read;
 * checks that the object ends there and inflates it within the call's budget. Data that is itself
 * inflated may not hold another `gzip_packed`: the server never does that, and refusing it keeps
 * every offset one level deep.
 */
export function readGzipPacked(reader: TlReader, context: DecodeContext, packedAt: number): Uint8Array {
  if (context.gzipAt !== undefined)
    throw new DecodeError('nested-gzip', packedAt, 'gzip_packed inside inflated data')
  const packed = reader.bytes()
  reader.expectEnd('gzip_packed')
  const dataAt = packed.byteOffset - reader.data.byteOffset
  const budget = context.options.maxInflatedBytes - context.inflatedBytes
  const inflate = context.options.inflate ?? inflateGzip
  let inflated: Uint8Array
  try {
    inflated = inflate(packed, budget)
  } catch (error) {
    if (error instanceof DecodeError) {
      throw new DecodeError(error.reason, dataAt + error.offset, error.detail, { cause: error.cause })
    }
    const message = error instanceof Error ? error.message : String(error)
    throw new DecodeError('inflate-failed', dataAt, `gzip data does not inflate (${message})`, {
      cause: error,
    })
  }
  // A user-supplied inflater may ignore the limit; its output is refused all the same.
  if (inflated.length > budget) {
    throw new DecodeError(
      'too-large-after-inflate',
      dataAt,
      `inflates past the ${budget} bytes left in the limit`,
    )
  }
  context.inflatedBytes += inflated.length
  return inflated
}

/**
 * Runs `read` over inflated data. Any error's offset becomes that of the `gzip_packed` at
 * `packedAt`, with the offset inside the inflated data kept as `inflatedOffset`.
 */
export function insideGzip<T>(context: DecodeContext, packedAt: number, read: () => T): T {
  context.gzipAt = packedAt
  try {
    return read()
  } catch (error) {
    throw error instanceof DecodeError ? toCallerOffsets(error, context) : error
  } finally {
    context.gzipAt = undefined
  }
}

/** An error found in inflated data, re-based on the caller's bytes; others are returned as they are. */
export function toCallerOffsets(error: DecodeError, context: DecodeContext): DecodeError {
  if (context.gzipAt === undefined || error.inflatedOffset !== undefined) return error
  return new DecodeError(error.reason, context.gzipAt, error.detail, {
    inflatedOffset: error.offset,
    cause: error.cause,
  })
}
