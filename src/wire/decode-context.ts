import { describeValue, isInstanceOf } from '../error/foreign-value.js'
import { toBytes } from './bytes-input.js'
import { DecodeError } from './decode-error.js'
import { type DecodeOptions, type ResolvedDecodeOptions, resolveDecodeOptions } from './decode-options.js'
import { type InflateMeter, inflateGzipMetered, MAX_DEFLATE_RATIO } from './inflate-gzip.js'
import { TlReader } from './tl-reader.js'

/**
 * State of one decode call. The inflate budgets are shared by every `gzip_packed` in the call and
 * charged whether an inflate succeeds or fails, so a container of 1024 gzipped messages, lying
 * or not, cannot do 1024 times the work one is allowed.
 */
export interface DecodeContext {
  readonly options: ResolvedDecodeOptions
  /** Bytes inflated so far in this call, counting the work of failed inflates. */
  inflatedBytes: number
  /** `gzip_packed` objects this call has tried to inflate. */
  inflateAttempts: number
  /** Offset of the `gzip_packed` whose inflated data is being read, if any. */
  gzipAt: number | undefined
}

/**
 * Where the built-in inflater reports what each inflate cost. One for the module: it is written and
 * read within one synchronous inflate that runs no user code, so calls cannot interleave on it, and
 * the common decode allocates nothing for it.
 */
const meter: InflateMeter = { spentBytes: 0 }

/** A fresh context for one call. */
export function createDecodeContext(options: DecodeOptions | undefined): DecodeContext {
  return {
    options: resolveDecodeOptions(options),
    inflatedBytes: 0,
    inflateAttempts: 0,
    gzipAt: undefined,
  }
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
  const { maxInflatedBytes, maxInflateAttempts } = context.options
  if (context.inflateAttempts >= maxInflateAttempts) {
    throw new DecodeError('oversized', packedAt, `more than ${maxInflateAttempts} gzip_packed in one input`)
  }
  const budget = maxInflatedBytes - context.inflatedBytes
  // Once the budget is spent every later gzip_packed is refused unread: no inflate can fit anyway
  // (a TL object takes at least 4 bytes), and trying would cost work the budget no longer covers.
  if (budget <= 0) {
    throw new DecodeError(
      'too-large-after-inflate',
      dataAt,
      `the ${maxInflatedBytes} bytes this input may inflate are spent`,
    )
  }
  context.inflateAttempts++
  let inflated: Uint8Array
  try {
    inflated = inflateCharged(packed, budget, context)
  } catch (error) {
    // What a user's inflater threw may be a Proxy, whose traps `instanceof` would run.
    if (isInstanceOf(error, DecodeError)) {
      throw new DecodeError(error.reason, dataAt + error.offset, error.detail, { cause: error.cause })
    }
    throw new DecodeError('inflate-failed', dataAt, `gzip data does not inflate (${describeValue(error)})`, {
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
  return inflated
}

/**
 * Inflates with the built-in inflater or the user's, and charges the call's budget with the work
 * done, also when the inflate throws. The built-in one reports its exact cost; a user's inflater
 * cannot, so a failure of it is charged the most its input can inflate to within the budget.
 */
function inflateCharged(packed: Uint8Array, budget: number, context: DecodeContext): Uint8Array {
  const userInflate = context.options.inflate
  if (userInflate === undefined) {
    try {
      return inflateGzipMetered(packed, budget, meter)
    } finally {
      context.inflatedBytes += meter.spentBytes
    }
  }
  let spent = Math.min(budget, packed.length * MAX_DEFLATE_RATIO)
  try {
    // Its result is checked like any input: anything but bytes fails this inflate, not the process.
    const inflated = toBytes(userInflate(packed, budget), 'DecodeOptions.inflate')
    spent = inflated.length
    return inflated
  } finally {
    context.inflatedBytes += spent
  }
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
